package io.cryptofeed.proxy.core;

/**
 * A named strategy, referred to by the {@code strategy} property. Declare one as a bean to
 * plug in your own.
 */
public interface SelectionStrategyFactory {

	/** The value of the {@code strategy} property that selects it, in kebab-case. */
	String name();

	/** A new instance for one pool. */
	SelectionStrategy create();

}
