package io.cryptofeed.proxy.autoconfigure;

import java.util.function.BiConsumer;

import io.cryptofeed.proxy.core.PoolsListener;
import io.cryptofeed.proxy.core.ProxyPools;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Registers every bean of a listening type with the pools, the application's as well as the
 * starter's: one made with its public constructor would otherwise never hear a reload.
 *
 * @param <T> the listening type
 */
final class PoolsListenerRegistration<T extends PoolsListener> implements SmartInitializingSingleton {

	private final ProxyPools pools;

	private final ObjectProvider<T> listeners;

	private final BiConsumer<T, ProxyPools> catchUp;

	/**
	 * @param catchUp what a listener is told of the pools as they are, before it hears of changes
	 */
	PoolsListenerRegistration(ProxyPools pools, ObjectProvider<T> listeners, BiConsumer<T, ProxyPools> catchUp) {
		this.pools = pools;
		this.listeners = listeners;
		this.catchUp = catchUp;
	}

	PoolsListenerRegistration(ProxyPools pools, ObjectProvider<T> listeners) {
		this(pools, listeners, (listener, current) -> {
		});
	}

	@Override
	public void afterSingletonsInstantiated() {
		this.listeners.orderedStream().forEach((listener) -> {
			this.catchUp.accept(listener, this.pools);
			this.pools.addPoolsListener(listener);
		});
	}

}
