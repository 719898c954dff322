package io.cryptofeed.proxy.testkit;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses the addresses the kit binds to, which must all be loopback addresses. Public only
 * for the kit's other packages (real proxies, the target server); not for tests.
 */
public final class Loopback {

	private Loopback() {
	}

	/**
	 * Parses an address such as {@code 127.0.0.2} or {@code ::1}.
	 * @throws IllegalArgumentException if it is unknown or not a loopback address
	 */
	public static InetAddress address(String address) {
		InetAddress parsed;
		try {
			parsed = InetAddress.getByName(address);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException("Unknown address '" + address + "'", ex);
		}
		if (!parsed.isLoopbackAddress()) {
			throw new IllegalArgumentException(
					"The test kit binds to loopback addresses only (127.0.0.0/8 or ::1), not '" + address + "'");
		}
		return parsed;
	}

}
