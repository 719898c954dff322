package io.cryptofeed.proxy.core;

import java.util.List;
import java.util.Locale;

/**
 * Which names hold a secret: the starter's own ({@code token}, {@code api-key},
 * {@code password}) and a free-form {@code metadata} label's named as one
 * ({@code client-secret}, {@code credentials}). One rule, so that every surface that shows or
 * sends such a value hides the same ones.
 */
public final class SecretNames {

	private static final List<String> SECRET_ENDINGS = List.of("token", "apikey", "password", "secret", "credentials");

	private SecretNames() {
	}

	/**
	 * Whether the name, in any spelling ({@code client-secret}, {@code CLIENT_SECRET},
	 * {@code clientSecret}), ends as a secret's does.
	 */
	public static boolean isSecret(String name) {
		StringBuilder compacted = new StringBuilder(name.length());
		for (int i = 0; i < name.length(); i++) {
			char c = name.charAt(i);
			if (Character.isLetterOrDigit(c)) {
				compacted.append(c);
			}
		}
		String letters = compacted.toString().toLowerCase(Locale.ROOT);
		for (String ending : SECRET_ENDINGS) {
			if (letters.endsWith(ending)) {
				return true;
			}
		}
		return false;
	}

}
