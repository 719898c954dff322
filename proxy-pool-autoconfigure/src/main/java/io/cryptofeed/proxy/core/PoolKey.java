package io.cryptofeed.proxy.core;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Names a pool: the settings block it comes from ({@value #DEFAULT} or an exchange id, lower
 * case) and the connection type.
 */
public record PoolKey(String settings, ConnectionType type) {

	/** The settings name of the pools used for exchanges without settings of their own. */
	public static final String DEFAULT = "default";

	/** An exchange id that a property name holds as one plain element: no dot, space or bracket. */
	private static final Pattern PLAIN_ID = Pattern.compile("[A-Za-z0-9_-]+");

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
		return (isDefault() ? DEFAULT : exchangePath(this.settings)) + "." + this.type.id();
	}

	/**
	 * An exchange's block under {@code cryptofeed.proxy} as a property name writes it:
	 * {@code exchanges.binance}, or {@code exchanges[binance.us]} for an id with a dot, which
	 * would otherwise read as exchange {@code binance} with a property {@code us}.
	 */
	public static String exchangePath(String exchange) {
		return PLAIN_ID.matcher(exchange).matches() ? "exchanges." + exchange : "exchanges[" + exchange + "]";
	}

	@Override
	public String toString() {
		return this.settings + "/" + this.type.id();
	}

}
