package io.cryptofeed.proxy.actuate;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.netty.DirectRoutes;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * {@value #DIRECT}: HTTP requests and WebSocket connects that went without a proxy, by
 * {@code type} and {@code reason} ({@code direct-host}, {@code no-pool}, {@code service},
 * {@code unpooled-client}). Eight series, read from the transport's counts when the registry
 * publishes.
 */
public final class DirectRouteMetrics implements MeterBinder {

	static final String DIRECT = "cryptofeed.proxy.direct";

	private final DirectRoutes routes;

	public DirectRouteMetrics(DirectRoutes routes) {
		this.routes = routes;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		for (ConnectionType type : ConnectionType.values()) {
			for (DirectRoutes.Reason reason : DirectRoutes.Reason.values()) {
				FunctionCounter.builder(DIRECT, this.routes, (routes) -> routes.count(type, reason))
					.description("HTTP requests and WebSocket connects that went without a proxy")
					.tags("type", type.id(), "reason", reason.tag())
					.register(registry);
			}
		}
	}

}
