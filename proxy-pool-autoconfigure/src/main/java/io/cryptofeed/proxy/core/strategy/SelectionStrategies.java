package io.cryptofeed.proxy.core.strategy;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import io.cryptofeed.proxy.core.SelectionStrategy;
import io.cryptofeed.proxy.core.SelectionStrategyFactory;

/**
 * The strategies a {@code strategy} property may name: the built-in ones and any added.
 * Names match leniently: {@code least_connections}, {@code LEAST_CONNECTIONS} and
 * {@code leastConnections} all mean {@code least-connections}.
 */
public final class SelectionStrategies {

	public static final String ROUND_ROBIN = "round-robin";

	public static final String RANDOM = "random";

	public static final String LEAST_CONNECTIONS = "least-connections";

	public static final String WEIGHTED = "weighted";

	private final Map<String, SelectionStrategyFactory> factories;

	private SelectionStrategies(Map<String, SelectionStrategyFactory> factories) {
		this.factories = Collections.unmodifiableMap(factories);
	}

	/** The built-in strategies only. */
	public static SelectionStrategies builtIn() {
		return withAdditional(List.of());
	}

	/**
	 * The built-in strategies plus the given ones; an added factory with a built-in's name
	 * replaces it.
	 */
	public static SelectionStrategies withAdditional(Collection<? extends SelectionStrategyFactory> additional) {
		Map<String, SelectionStrategyFactory> factories = new LinkedHashMap<>();
		register(factories, factory(ROUND_ROBIN, RoundRobinStrategy::new));
		register(factories, factory(RANDOM, RandomStrategy::new));
		register(factories, factory(LEAST_CONNECTIONS, LeastConnectionsStrategy::new));
		register(factories, factory(WEIGHTED, WeightedRoundRobinStrategy::new));
		additional.forEach((factory) -> register(factories, factory));
		return new SelectionStrategies(factories);
	}

	private static void register(Map<String, SelectionStrategyFactory> factories, SelectionStrategyFactory factory) {
		factories.put(canonicalName(factory.name()), factory);
	}

	/** A factory with a fixed name. */
	public static SelectionStrategyFactory factory(String name, Supplier<SelectionStrategy> supplier) {
		return new SelectionStrategyFactory() {

			@Override
			public String name() {
				return name;
			}

			@Override
			public SelectionStrategy create() {
				return supplier.get();
			}

		};
	}

	/** {@code leastConnections}, {@code LEAST_CONNECTIONS} → {@code least-connections}. */
	public static String canonicalName(String name) {
		StringBuilder canonical = new StringBuilder(name.length() + 4);
		String trimmed = name.strip();
		for (int i = 0; i < trimmed.length(); i++) {
			char c = trimmed.charAt(i);
			if (c == '_' || c == '-' || c == ' ') {
				canonical.append('-');
			}
			else if (Character.isUpperCase(c) && i > 0 && Character.isLowerCase(trimmed.charAt(i - 1))) {
				canonical.append('-').append(Character.toLowerCase(c));
			}
			else {
				canonical.append(Character.toLowerCase(c));
			}
		}
		return canonical.toString().toLowerCase(Locale.ROOT);
	}

	public Optional<SelectionStrategyFactory> find(String name) {
		return Optional.ofNullable(this.factories.get(canonicalName(name)));
	}

	/** A new strategy instance for one pool. */
	public SelectionStrategy create(String name) {
		return find(name).orElseThrow(() -> new IllegalArgumentException(
				"unknown selection strategy '" + name + "'; known: " + names()))
			.create();
	}

	/** The canonical names, built-in ones first. */
	public Collection<String> names() {
		return this.factories.keySet();
	}

}
