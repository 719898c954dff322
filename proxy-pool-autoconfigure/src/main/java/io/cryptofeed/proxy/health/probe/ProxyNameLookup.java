package io.cryptofeed.proxy.health.probe;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A blocking lookup of all of a proxy host name's addresses, as
 * {@link InetAddress#getAllByName(String)}: the probes' own, or a test's that gives a name
 * several addresses.
 */
@FunctionalInterface
interface ProxyNameLookup {

	ProxyNameLookup SYSTEM = InetAddress::getAllByName;

	InetAddress[] allByName(String host) throws UnknownHostException;

}
