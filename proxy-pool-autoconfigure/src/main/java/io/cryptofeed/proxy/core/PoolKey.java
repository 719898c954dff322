package io.cryptofeed.proxy.core;

import java.util.Locale;
import java.util.Objects;

/**
 * Names a pool: the settings block it comes from ({@value #DEFAULT} or an exchange id, lower
 * case) and the connection type.
 */
public record PoolKey(String settings, ConnectionType type) {

	/** The settings name of the pools used for exchanges without settings of their own. */
	public static final String DEFAULT = "default";

	public PoolKey {
		Objects.requireNonNull(settings, "settings");
		Objects.requireNonNull(type, "type");
		settings = settings.toLowerCase(Locale.ROOT);
	}

	public static PoolKey ofDefault(ConnectionType type) {
		return new PoolKey(DEFAULT, type);
	}

	public boolean isDefault() {
		return DEFAULT.equals(this.settings);
	}

	@Override
	public String toString() {
		return this.settings + "/" + this.type.id();
	}

}
