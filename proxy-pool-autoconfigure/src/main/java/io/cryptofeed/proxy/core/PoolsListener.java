package io.cryptofeed.proxy.core;

/** Hears what a {@link ProxyPools#reconcile reload} changed, after routing switched. */
@FunctionalInterface
public interface PoolsListener {

	void poolsChanged(PoolsChange change);

}
