package io.cryptofeed.proxy.testkit.target;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;

import io.cryptofeed.proxy.testkit.Loopback;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.ssl.SslContextBuilder;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.Http2SslContextSpec;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import reactor.netty.http.server.WebsocketServerSpec;
import reactor.netty.resources.LoopResources;

/**
 * An HTTP and WebSocket server on a loopback address that tells each client which address it
 * connected from, so that a test can see which proxy carried a request.
 *
 * <ul>
 * <li>{@code GET /whoami}: 200 with the peer's IP address as body, e.g. {@code 127.0.0.3}</li>
 * <li>{@code GET /protocol}: 200 with the HTTP version of the request as body, e.g.
 * {@code HTTP/2.0}</li>
 * <li>{@code GET} or {@code POST /status/{code}}: that status, 200 to 599; with
 * {@code ?retry-after=<value>} also that {@code Retry-After} header, and with
 * {@code ?peer=<ip>} only for requests from that peer (others get 200, so a test can make an
 * exchange refuse one proxy's address)</li>
 * <li>{@code GET} or {@code POST /delay/{millis}}: 200 after that delay, at most one minute</li>
 * <li>{@code POST /echo}: 200 with the request body</li>
 * <li>WebSocket {@code /ws}: first a text frame {@code peer=<ip>}, then every text frame echoed;
 * with {@code ?snapshot=<bytes>} a text frame of that many bytes after the first (as an
 * exchange sends an order book's snapshot; at most 16 MiB); with {@code ?status=<code>} the
 * handshake is refused with that status instead (the {@code retry-after} and {@code peer}
 * parameters work as for {@code /status}); frames are compressed when the client offers
 * permessage-deflate</li>
 * </ul>
 *
 * <p>{@link #startTls} serves the same over TLS ({@code https://} and {@code wss://}) with a
 * self-signed certificate for {@code 127.0.0.1} and {@code localhost}, found on the class
 * path at {@link #CERTIFICATE}: trust it in the client, for example with a Spring Boot PEM SSL
 * bundle ({@code spring.ssl.bundle.pem.<name>.truststore.certificate=classpath:<CERTIFICATE>}).
 * {@link #startHttp2} offers HTTP/2 besides HTTP/1.1 on TLS (ALPN {@code h2}), as an
 * exchange's REST endpoint may.
 */
public final class TargetServer implements AutoCloseable {

	/**
	 * Class path location of the certificate a TLS target presents: self-signed, for
	 * {@code 127.0.0.1} and {@code localhost}, valid until 2126. For tests only: its private key
	 * is public.
	 */
	public static final String CERTIFICATE = "io/cryptofeed/proxy/testkit/target/target-certificate.pem";

	/** {@code /ws} compresses its frames when the client offers permessage-deflate, as many exchanges do. */
	private static final WebsocketServerSpec COMPRESSING = WebsocketServerSpec.builder().compress(true).build();

	/** The largest {@code snapshot} frame {@code /ws} sends. */
	private static final int MAX_SNAPSHOT = 16 * 1024 * 1024;

	private static final String PRIVATE_KEY = "io/cryptofeed/proxy/testkit/target/target-key.pem";

	/** Every thread of a target server has a name starting with this prefix. */
	public static final String THREAD_NAME_PREFIX = "test-target-";

	private static final Duration MAX_DELAY = Duration.ofMinutes(1);

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

	private final LoopResources loops;

	private final DisposableServer server;

	private final Map<String, AtomicInteger> requestsByPeer = new ConcurrentHashMap<>();

	private final boolean tls;

	private TargetServer(InetAddress address, boolean tls, boolean http2) {
		this.tls = tls;
		this.loops = LoopResources.create(THREAD_NAME_PREFIX + address.getHostAddress().replace(':', '.'), 1, 1,
				true, false);
		try {
			HttpServer server = HttpServer.create()
				.runOn(this.loops, false)
				.bindAddress(() -> new InetSocketAddress(address, 0))
				.route(this::routes);
			if (http2) {
				Http2SslContextSpec ssl = serverSslContext(Http2SslContextSpec::forServer);
				server = server.protocol(HttpProtocol.H2, HttpProtocol.HTTP11).secure((spec) -> spec.sslContext(ssl));
			}
			else if (tls) {
				Http11SslContextSpec ssl = serverSslContext(Http11SslContextSpec::forServer);
				server = server.secure((spec) -> spec.sslContext(ssl));
			}
			this.server = server.bindNow();
		}
		catch (RuntimeException ex) {
			this.loops.disposeLater().block(CLOSE_TIMEOUT);
			throw ex;
		}
	}

	/** Starts a server on {@code 127.0.0.1} and an ephemeral port. */
	public static TargetServer start() {
		return start("127.0.0.1");
	}

	/** Starts a server on the given loopback address and an ephemeral port. */
	public static TargetServer start(String address) {
		return new TargetServer(Loopback.address(address), false, false);
	}

	/**
	 * Starts a server that speaks TLS on the given loopback address and an ephemeral port,
	 * presenting the certificate at {@link #CERTIFICATE}.
	 */
	public static TargetServer startTls(String address) {
		return new TargetServer(Loopback.address(address), true, false);
	}

	/**
	 * Starts a server like {@link #startTls} that offers HTTP/2 besides HTTP/1.1 in its TLS
	 * handshake (ALPN), so that a client that asks for {@code h2} speaks HTTP/2 with it. Its
	 * WebSocket {@code /ws} works over HTTP/1.1.
	 */
	public static TargetServer startHttp2(String address) {
		return new TargetServer(Loopback.address(address), true, true);
	}

	/**
	 * TLS settings for a Reactor Netty client that trusts the test certificate, and only it:
	 * {@code httpClient.secure((spec) -> spec.sslContext(TargetServer.trustingClientSslContext()))}.
	 */
	public static Http11SslContextSpec trustingClientSslContext() {
		return Http11SslContextSpec.forClient().configure(TargetServer::trustCertificate);
	}

	/**
	 * TLS settings for a Reactor Netty client that trusts the test certificate, and only it,
	 * and offers HTTP/2 in its handshake: {@code httpClient.protocol(HttpProtocol.H2,
	 * HttpProtocol.HTTP11).secure((spec) -> spec.sslContext(TargetServer.trustingHttp2ClientSslContext()))}.
	 */
	public static Http2SslContextSpec trustingHttp2ClientSslContext() {
		return Http2SslContextSpec.forClient().configure(TargetServer::trustCertificate);
	}

	private static void trustCertificate(SslContextBuilder builder) {
		try (InputStream certificate = resource(CERTIFICATE)) {
			builder.trustManager(certificate);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** @param spec the server settings of the certificate and its key */
	private static <T> T serverSslContext(BiFunction<InputStream, InputStream, T> spec) {
		try (InputStream certificate = resource(CERTIFICATE); InputStream key = resource(PRIVATE_KEY)) {
			return spec.apply(certificate, key);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static InputStream resource(String location) {
		InputStream stream = TargetServer.class.getClassLoader().getResourceAsStream(location);
		if (stream == null) {
			throw new IllegalStateException(location + " is missing from the class path");
		}
		return stream;
	}

	/** The address the server listens on, e.g. {@code 127.0.0.1}. */
	public String host() {
		return ((InetSocketAddress) this.server.address()).getAddress().getHostAddress();
	}

	/** The ephemeral port the server listens on. */
	public int port() {
		return this.server.port();
	}

	/** The base URL, e.g. {@code http://127.0.0.1:41234} ({@code https://} for a TLS target). */
	public String baseUrl() {
		return (this.tls ? "https://" : "http://") + authority();
	}

	/** The WebSocket URL, e.g. {@code ws://127.0.0.1:41234/ws} ({@code wss://} for a TLS target). */
	public String wsUrl() {
		return (this.tls ? "wss://" : "ws://") + authority() + "/ws";
	}

	/** How many requests (WebSocket upgrades included) came from each peer address so far. */
	public Map<String, Integer> requestsByPeer() {
		Map<String, Integer> snapshot = new TreeMap<>();
		this.requestsByPeer.forEach((peer, count) -> snapshot.put(peer, count.get()));
		return snapshot;
	}

	/** Forgets the requests counted so far. */
	public void resetCounters() {
		this.requestsByPeer.clear();
	}

	/** Stops the server and its threads. */
	@Override
	public void close() {
		this.server.disposeNow(CLOSE_TIMEOUT);
		this.loops.disposeLater(Duration.ZERO, CLOSE_TIMEOUT).block(CLOSE_TIMEOUT);
	}

	@Override
	public String toString() {
		return "TargetServer[" + baseUrl() + "]";
	}

	private String authority() {
		String host = host();
		return (host.contains(":") ? "[" + host + "]" : host) + ":" + port();
	}

	private void routes(HttpServerRoutes routes) {
		routes.get("/whoami", (request, response) -> response.sendString(Mono.just(peer(request))))
			.get("/protocol", (request, response) -> {
				peer(request);
				return response.sendString(Mono.just(request.version().text()));
			})
			.get("/status/{code}", this::status)
			.post("/status/{code}", this::status)
			.get("/delay/{millis}", this::delay)
			.post("/delay/{millis}", this::delay)
			.post("/echo", (request, response) -> {
				peer(request);
				return response.send(request.receive().retain());
			})
			.get("/ws", (request, response) -> {
				String peer = peer(request);
				Map<String, List<String>> query = query(request);
				Integer refusal = query.containsKey("status") ? parse(query.get("status").get(0)) : null;
				if (refusal != null && refusal >= 200 && refusal <= 599 && aimedAt(query, peer)) {
					return refuse(response, refusal, query);
				}
				Integer snapshot = query.containsKey("snapshot") ? parse(query.get("snapshot").get(0)) : null;
				Flux<String> greeting = Flux.just("peer=" + peer);
				if (snapshot != null && snapshot > 0 && snapshot <= MAX_SNAPSHOT) {
					greeting = greeting.concatWith(Mono.fromSupplier(() -> "s".repeat(snapshot)));
				}
				Flux<String> first = greeting;
				return response.sendWebsocket((in, out) -> {
					Flux<String> echoes = in.aggregateFrames()
						.receiveFrames()
						.ofType(TextWebSocketFrame.class)
						.map(TextWebSocketFrame::text);
					return out.sendString(first.concatWith(echoes));
				}, COMPRESSING);
			});
	}

	private Publisher<Void> status(HttpServerRequest request, HttpServerResponse response) {
		String peer = peer(request);
		Integer code = parse(request.param("code"));
		if (code == null || code < 200 || code > 599) {
			return response.status(HttpResponseStatus.BAD_REQUEST).sendString(Mono.just("status must be 200 to 599"));
		}
		Map<String, List<String>> query = query(request);
		if (!aimedAt(query, peer)) {
			return response.sendString(Mono.just("status 200"));
		}
		return refuse(response, code, query);
	}

	private static Map<String, List<String>> query(HttpServerRequest request) {
		return new QueryStringDecoder(request.uri()).parameters();
	}

	/** Whether the request's peer is the one the {@code peer} parameter names, if any. */
	private static boolean aimedAt(Map<String, List<String>> query, String peer) {
		List<String> only = query.get("peer");
		return only == null || only.contains(peer);
	}

	private static Publisher<Void> refuse(HttpServerResponse response, int code, Map<String, List<String>> query) {
		List<String> retryAfter = query.get("retry-after");
		if (retryAfter != null) {
			response.header(HttpHeaderNames.RETRY_AFTER, retryAfter.get(0));
		}
		return response.status(code).sendString(Mono.just("status " + code));
	}

	private Publisher<Void> delay(HttpServerRequest request, HttpServerResponse response) {
		peer(request);
		Integer millis = parse(request.param("millis"));
		if (millis == null || millis < 0 || millis > MAX_DELAY.toMillis()) {
			return response.status(HttpResponseStatus.BAD_REQUEST)
				.sendString(Mono.just("delay must be 0 to " + MAX_DELAY.toMillis() + " ms"));
		}
		return response.sendString(Mono.delay(Duration.ofMillis(millis)).map((tick) -> "delayed " + millis));
	}

	/** Counts the request and returns the address of the peer that sent it. */
	private String peer(HttpServerRequest request) {
		String peer = request.remoteAddress().getAddress().getHostAddress();
		this.requestsByPeer.computeIfAbsent(peer, (key) -> new AtomicInteger()).incrementAndGet();
		return peer;
	}

	private static Integer parse(String number) {
		try {
			return Integer.valueOf(number);
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

}
