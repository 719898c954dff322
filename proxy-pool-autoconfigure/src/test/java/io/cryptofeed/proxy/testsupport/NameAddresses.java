package io.cryptofeed.proxy.testsupport;

import java.net.InetAddress;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lookup that gives one proxy name several loopback addresses, in the order written: the
 * transport's and the health probes' tests of a name whose first address refuses.
 */
public final class NameAddresses {

	private NameAddresses() {
	}

	/** The addresses {@code name} gives; a lookup of any other name fails the test. */
	public static InetAddress[] of(String looked, String name, String... loopback) throws UnknownHostException {
		assertThat(looked).isEqualTo(name);
		InetAddress[] addresses = new InetAddress[loopback.length];
		for (int i = 0; i < loopback.length; i++) {
			addresses[i] = InetAddress.getByAddress(name, InetAddress.getByName(loopback[i]).getAddress());
		}
		return addresses;
	}

}
