package io.cryptofeed.proxy.netty;

/**
 * Exchanges as trading code commonly names them: an enum, not the ids the pools are configured
 * with ({@code coinbase-pro}, {@code gate-io}).
 */
enum Venue {

	BINANCE, KRAKEN, COINBASE_PRO, GATE_IO

}
