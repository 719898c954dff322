package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.function.UnaryOperator;

import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * A test exchange's Reactor Netty server on event loops of its own, on 127.0.0.1 and an
 * ephemeral port. The application context under test disposes Reactor Netty's global loops
 * when it closes; a server bound on those was once left open on a loop that had ended, so
 * that closing it timed out ("Socket couldn't be stopped within 30000ms", in a CI run where
 * the proxies held every handshake and the server never saw a connection).
 */
final class OwnLoopsServer implements AutoCloseable {

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

	private final LoopResources loops;

	private final DisposableServer server;

	private OwnLoopsServer(LoopResources loops, DisposableServer server) {
		this.loops = loops;
		this.server = server;
	}

	/** Binds the server that {@code routes} makes of a bare one (it sets the routes, not the address). */
	static OwnLoopsServer bind(UnaryOperator<HttpServer> routes) {
		LoopResources loops = LoopResources.create("test-exchange", 1, 1, true, false);
		try {
			HttpServer bare = HttpServer.create().runOn(loops, false).host("127.0.0.1").port(0);
			return new OwnLoopsServer(loops, routes.apply(bare).bindNow());
		}
		catch (RuntimeException ex) {
			disposeOf(loops);
			throw ex;
		}
	}

	int port() {
		return this.server.port();
	}

	/** Stops listening, then ends the loops, which closes the connections still open (a tunnel a proxy holds, say). */
	@Override
	public void close() {
		try {
			this.server.disposeNow(CLOSE_TIMEOUT);
		}
		finally {
			disposeOf(this.loops);
		}
	}

	private static void disposeOf(LoopResources loops) {
		loops.disposeLater(Duration.ZERO, CLOSE_TIMEOUT).block(CLOSE_TIMEOUT);
	}

}
