package io.cryptofeed.sample.demo;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.resources.LoopResources;

/**
 * A small exchange on loopback that speaks a subset of Binance's public API, so the feed code
 * is the same for the demo and the live profile.
 *
 * <ul>
 * <li>{@code GET /api/v3/ping}: {@code {}}</li>
 * <li>{@code GET /api/v3/ticker/price?symbol=BTCUSDT}: {@code {"symbol":"BTCUSDT","price":"64000.00"}}</li>
 * <li>WebSocket {@code /ws/btcusdt@trade}: a trade every {@code trade-interval}, closed after
 * {@code session-lifetime}</li>
 * </ul>
 *
 * It counts REST requests and stream sessions by peer address: each demo proxy connects from
 * its own address, so the counts say which proxy carried what.
 */
final class DemoExchange implements AutoCloseable {

	private static final String HOST = "127.0.0.1";

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

	private final DemoProperties.Exchange settings;

	private final LoopResources loops = LoopResources.create("demo-exchange", 1, 1, true, false);

	private final Map<String, AtomicLong> requestsByPeer = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> sessionsByPeer = new ConcurrentHashMap<>();

	private final Map<String, AtomicLong> pricesInCents = new ConcurrentHashMap<>();

	private final AtomicLong tradeIds = new AtomicLong();

	private final DisposableServer server;

	DemoExchange(DemoProperties.Exchange settings) {
		this.settings = settings;
		try {
			this.server = HttpServer.create()
				.runOn(this.loops, false)
				.bindAddress(() -> new InetSocketAddress(HOST, 0))
				.maxKeepAliveRequests(settings.maxKeepAliveRequests())
				.route((routes) -> routes.get("/api/v3/ping", (request, response) -> json(request, response, "{}"))
					.get("/api/v3/ticker/price", this::ticker)
					.get("/ws/{stream}", this::trades))
				.bindNow();
		}
		catch (RuntimeException ex) {
			this.loops.disposeLater().block(CLOSE_TIMEOUT);
			throw ex;
		}
	}

	int port() {
		return this.server.port();
	}

	/** REST requests that came from this address. */
	long requestsFrom(String address) {
		return count(this.requestsByPeer, address);
	}

	/** Trade stream sessions that came from this address. */
	long sessionsFrom(String address) {
		return count(this.sessionsByPeer, address);
	}

	private Publisher<Void> ticker(HttpServerRequest request, HttpServerResponse response) {
		List<String> symbols = new QueryStringDecoder(request.uri()).parameters().get("symbol");
		if (symbols == null || symbols.isEmpty()) {
			return response.status(HttpResponseStatus.BAD_REQUEST)
				.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
				.sendString(Mono.just("{\"code\":-1102,\"msg\":\"Mandatory parameter 'symbol' was not sent\"}"));
		}
		String symbol = symbols.get(0).toUpperCase(Locale.ROOT);
		return json(request, response, "{\"symbol\":\"" + symbol + "\",\"price\":\"" + price(symbol, 0) + "\"}");
	}

	private Publisher<Void> json(HttpServerRequest request, HttpServerResponse response, String body) {
		this.requestsByPeer.computeIfAbsent(peer(request), (peer) -> new AtomicLong()).incrementAndGet();
		return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json").sendString(Mono.just(body));
	}

	private Publisher<Void> trades(HttpServerRequest request, HttpServerResponse response) {
		String stream = request.param("stream");
		int at = stream.indexOf('@');
		String symbol = ((at >= 0) ? stream.substring(0, at) : stream).toUpperCase(Locale.ROOT);
		this.sessionsByPeer.computeIfAbsent(peer(request), (peer) -> new AtomicLong()).incrementAndGet();
		Flux<String> trades = Flux.interval(this.settings.tradeInterval())
			.take(this.settings.sessionLifetime())
			.map((tick) -> trade(symbol));
		// when the trades end, Reactor Netty closes the session with a normal close frame
		return response.sendWebsocket((in, out) -> out.sendString(trades));
	}

	private String trade(String symbol) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		long now = System.currentTimeMillis();
		String quantity = BigDecimal.valueOf(random.nextInt(1, 50_000), 5).toPlainString();
		return "{\"e\":\"trade\",\"E\":" + now + ",\"s\":\"" + symbol + "\",\"t\":" + this.tradeIds.incrementAndGet()
				+ ",\"p\":\"" + price(symbol, random.nextInt(-5, 6)) + "\",\"q\":\"" + quantity + "\",\"T\":" + now
				+ ",\"m\":" + random.nextBoolean() + "}";
	}

	/** The symbol's price after a step of {@code ticks} hundredths of a per cent, as {@code 64000.00}. */
	private String price(String symbol, int ticks) {
		AtomicLong cents = this.pricesInCents.computeIfAbsent(symbol,
				(s) -> new AtomicLong(s.startsWith("BTC") ? 6_400_000 : 310_000));
		long value = cents.updateAndGet((c) -> Math.max(100, c + c * ticks / 10_000));
		return BigDecimal.valueOf(value, 2).toPlainString();
	}

	private static String peer(HttpServerRequest request) {
		return request.remoteAddress().getAddress().getHostAddress();
	}

	private static long count(Map<String, AtomicLong> counts, String address) {
		AtomicLong count = counts.get(address);
		return (count != null) ? count.get() : 0;
	}

	@Override
	public void close() {
		this.server.disposeNow(CLOSE_TIMEOUT);
		this.loops.disposeLater(Duration.ZERO, CLOSE_TIMEOUT).block(CLOSE_TIMEOUT);
	}

}
