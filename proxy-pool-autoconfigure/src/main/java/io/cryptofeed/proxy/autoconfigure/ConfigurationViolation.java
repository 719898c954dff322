package io.cryptofeed.proxy.autoconfigure;

/**
 * One reason a proxy configuration cannot be used.
 *
 * @param property the full property path, e.g. {@code cryptofeed.proxy.default.http.pool[1].url}
 * @param value the offending value with any credentials masked, or {@code null} when missing
 * @param problem what is wrong
 * @param fix what to change
 */
public record ConfigurationViolation(String property, String value, String problem, String fix) {

	@Override
	public String toString() {
		return this.property + ((this.value != null) ? " = '" + this.value + "'" : "") + ": " + this.problem + " ("
				+ this.fix + ")";
	}

}
