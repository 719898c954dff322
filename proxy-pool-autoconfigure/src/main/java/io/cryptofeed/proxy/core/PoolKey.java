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

	/**
	 * Where the pool's settings are under {@code cryptofeed.proxy}: {@code default.http} or
	 * {@code exchanges.binance.websocket}, for messages that name a property to change.
	 */
	public String settingsPath() {
		return (isDefault() ? DEFAULT : "exchanges." + this.settings) + "." + this.type.id();
	}

	@Override
	public String toString() {
		return this.settings + "/" + this.type.id();
	}

}
