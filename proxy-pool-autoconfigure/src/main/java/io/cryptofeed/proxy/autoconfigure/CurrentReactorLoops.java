package io.cryptofeed.proxy.autoconfigure;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.LoopResources;

import org.springframework.http.client.ReactorResourceFactory;

/**
 * The event loops of Boot's Reactor Netty resources as of the context's last start, for the
 * pooled WebClient connector and WebSocketClient. A context stopped and started again
 * ({@code stop()} then {@code start()}) disposes the factory's loops and makes new ones; a
 * client holding the loops of the day it was built refused every connect after such a start
 * ("event executor terminated"). Taken as the context starts, after the factory (phase 0), and
 * never asked of the factory while it is stopped, which would start it anew (new loops that
 * nothing stops once the context is closed): between a stop and a start, and after a close, a
 * connect meets the disposed loops and is refused, as before.
 */
final class CurrentReactorLoops extends ContextStartStop {

	/** Started after Boot's Reactor Netty resources (phase 0), which make their loops as they start. */
	static final int PHASE = 1;

	/** The application's Reactor Netty resources, or {@code null} if it has none. */
	private final ReactorResourceFactory factory;

	/** The factory's loops as of the last start, or {@code null} before the first. */
	private volatile LoopResources loops;

	private final LoopResources current = new Current();

	CurrentReactorLoops(ReactorResourceFactory factory) {
		super(PHASE);
		this.factory = factory;
	}

	/** The client on the factory's current loops, where it runs on the ones the factory has now. */
	HttpClient following(HttpClient client) {
		if (this.factory == null || client.configuration().loopResources() != this.factory.getLoopResources()) {
			return client;
		}
		return onCurrentLoops(client);
	}

	/** The client on the factory's current loops, where the application has a factory. */
	HttpClient onApplicationLoops(HttpClient client) {
		return (this.factory != null) ? onCurrentLoops(client) : client;
	}

	private HttpClient onCurrentLoops(HttpClient client) {
		return client.runOn(this.current, client.configuration().isPreferNative());
	}

	@Override
	void onStart() {
		if (this.factory != null) {
			this.loops = this.factory.getLoopResources();
		}
	}

	@Override
	void onStop() {
		// the loops stay: the factory disposes them, and a connect until the next start is refused
	}

	private LoopResources loops() {
		LoopResources loops = this.loops;
		// a connect before the context's first start (a bean's own start-up call): the factory's loops now
		return (loops != null) ? loops : this.factory.getLoopResources();
	}

	/** The loops as of the last start, at each connect. Never disposed through here: they are the factory's. */
	private final class Current implements LoopResources {

		@Override
		public EventLoopGroup onServer(boolean useNative) {
			return loops().onServer(useNative);
		}

		@Override
		public EventLoopGroup onClient(boolean useNative) {
			return loops().onClient(useNative);
		}

		@Override
		public <C extends Channel> C onChannel(Class<C> channelType, EventLoopGroup group) {
			return loops().onChannel(channelType, group);
		}

		@Override
		public <C extends Channel> Class<? extends C> onChannelClass(Class<C> channelType, EventLoopGroup group) {
			return loops().onChannelClass(channelType, group);
		}

		@Override
		public boolean daemon() {
			return loops().daemon();
		}

	}

}
