package io.cryptofeed.proxy.netty;

/** Exchanges as trading code commonly names them: an enum, not the ids the pools are configured with. */
enum Venue {

	BINANCE, KRAKEN

}
