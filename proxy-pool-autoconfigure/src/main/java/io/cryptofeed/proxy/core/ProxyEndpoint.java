package io.cryptofeed.proxy.core;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;

/**
 * One proxy server: protocol, address and optional credentials. Immutable; equal
 * endpoints are interchangeable. {@link #toString()} never shows the credentials.
 */
public final class ProxyEndpoint {

	private final ProxyScheme scheme;

	private final String host;

	private final int port;

	private final String username;

	private final String password;

	private final String masked;

	/** Computed once: endpoints key maps on the connect path. */
	private final int hash;

	private final boolean ipLiteral;

	/**
	 * An endpoint built in code, held to the rules {@link #parse} holds a URL to: a host as a
	 * URL writes it, but an IPv6 address without brackets ({@code 2001:db8::7}); a port from 1
	 * to 65535; credentials the scheme can carry.
	 * @param username the user name, or {@code null} for none
	 * @param password the password, or {@code null} for none; only with a user name
	 * @throws InvalidProxyUrlException with a message that does not repeat a credential
	 */
	public ProxyEndpoint(ProxyScheme scheme, String host, int port, String username, String password) {
		this(checked(scheme, host, port, username, password), host, port, username, password, true);
	}

	/** @param checked always true: the values passed {@link #checked} or {@link #parse}, which checks more */
	private ProxyEndpoint(ProxyScheme scheme, String host, int port, String username, String password,
			boolean checked) {
		this.scheme = scheme;
		this.host = canonicalAddress(host);
		this.port = port;
		this.username = username;
		this.password = password;
		this.masked = scheme.id() + "://" + ((username != null) ? ProxyUrls.MASK + "@" : "") + hostAndPort();
		this.hash = Objects.hash(this.scheme, this.host, this.port, this.username, this.password);
		this.ipLiteral = isIpLiteral(this.host);
	}

	/**
	 * Host names and addresses ignore case; an IPv6 zone, an interface name, does not. An IPv6
	 * address is kept in one text ({@link IpLiterals#canonicalIpv6}): one proxy written two
	 * ways is one member, with one name in ids, tags and logs.
	 */
	private static String canonicalAddress(String host) {
		int zone = host.indexOf('%');
		String lowerCase = (zone < 0) ? host.toLowerCase(Locale.ROOT)
				: host.substring(0, zone).toLowerCase(Locale.ROOT) + host.substring(zone);
		return IpLiterals.isIpv6(lowerCase) ? IpLiterals.canonicalIpv6(lowerCase) : lowerCase;
	}

	private static boolean isIpLiteral(String host) {
		return (host.indexOf(':') >= 0) ? IpLiterals.isIpv6(host) : IpLiterals.isIpv4(host);
	}

	/**
	 * Parses {@code scheme://[user[:password]@]host:port}. Schemes: {@code http},
	 * {@code https} (TLS to the proxy), {@code socks4}, {@code socks5} and {@code socks5h}.
	 * Credentials are percent-decoded.
	 * @throws InvalidProxyUrlException with a message that does not repeat the URL
	 */
	public static ProxyEndpoint parse(String url) {
		if (url == null || url.isBlank()) {
			throw new InvalidProxyUrlException("the URL is empty", "give a URL such as socks5://host:1080");
		}
		String trimmed = url.strip();
		int schemeEnd = trimmed.indexOf("://");
		if (schemeEnd <= 0) {
			throw new InvalidProxyUrlException("the URL has no scheme",
					"start it with http://, https://, socks4://, socks5:// or socks5h://");
		}
		String schemeText = trimmed.substring(0, schemeEnd);
		ProxyScheme scheme = ProxyScheme.fromUrlScheme(schemeText);
		if (scheme == null) {
			// quoted only when it is a short word: text before :// may be credentials written
			// before the scheme, and a proxy service's answer may send any length
			boolean word = schemeText.length() <= 32 && schemeText.chars()
				.allMatch((c) -> Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.');
			throw new InvalidProxyUrlException(word ? "scheme '" + schemeText + "' is not supported"
					: "the text before :// is not a scheme, so it is not supported",
					"use http (CONNECT), https (CONNECT over TLS to the proxy), socks4, socks5 or socks5h");
		}
		String rest = trimmed.substring(schemeEnd + 3);
		if (rest.contains("://")) {
			// two URLs joined (a comma, a space) would parse as one, the first taken for credentials
			throw new InvalidProxyUrlException("the value holds more than one URL",
					"give one URL per member: write each one as an element of pool");
		}
		int at = rest.lastIndexOf('@');
		int authorityEnd = indexOfAny(rest, "/?#", at + 1);
		String path = rest.substring(authorityEnd);
		if (!path.isEmpty() && !path.equals("/")) {
			throw new InvalidProxyUrlException("a proxy URL cannot have a path, query or fragment",
					"remove everything after host:port");
		}
		String userInfo = (at >= 0) ? rest.substring(0, at) : null;
		String hostPort = rest.substring(at + 1, authorityEnd);
		String[] hostAndPort = splitHostAndPort(hostPort);
		int port = parsePort(hostAndPort[1]);
		boolean bracketed = hostPort.startsWith("[");
		if (bracketed) {
			hostAndPort[0] = decodeZone(hostAndPort[0]);
		}
		checkHost(hostAndPort[0], bracketed);
		String username = null;
		String password = null;
		if (userInfo != null) {
			int colon = userInfo.indexOf(':');
			username = percentDecode((colon >= 0) ? userInfo.substring(0, colon) : userInfo);
			password = (colon >= 0) ? percentDecode(userInfo.substring(colon + 1)) : null;
			if (username.isEmpty()) {
				throw new InvalidProxyUrlException("the credentials have an empty username",
						"write user:password@ before the host, or leave the credentials out");
			}
		}
		checkCredentials(scheme, username, password);
		return new ProxyEndpoint(scheme, hostAndPort[0], port, username, password, true);
	}

	/** The checks of {@link #parse} that apply to values given one by one; returns the scheme. */
	private static ProxyScheme checked(ProxyScheme scheme, String host, int port, String username, String password) {
		Objects.requireNonNull(scheme, "scheme");
		Objects.requireNonNull(host, "host");
		if (host.isEmpty()) {
			throw new InvalidProxyUrlException("the host is empty", "give the proxy's host name or IP address");
		}
		if (host.startsWith("[")) {
			throw new InvalidProxyUrlException("the host is written in brackets",
					"give an IPv6 address without brackets, such as 2001:db8::7; a URL writes them");
		}
		if (host.indexOf(':') >= 0) {
			if (!IpLiterals.isIpv6(host)) {
				throw new InvalidProxyUrlException("the host is not a valid IPv6 address",
						"give an IPv6 address such as 2001:db8::7, a zone as fe80::1%eth0");
			}
		}
		else {
			checkHost(host, false);
		}
		if (port < 1 || port > 65535) {
			throw new InvalidProxyUrlException("the port " + port + " is out of range", "use a port from 1 to 65535");
		}
		if (username == null && password != null) {
			throw new InvalidProxyUrlException("a password is given without a user name",
					"give the user name too, or no password");
		}
		if (username != null && username.isEmpty()) {
			throw new InvalidProxyUrlException("the credentials have an empty username",
					"give the user name, or null for none");
		}
		checkCredentials(scheme, username, password);
		return scheme;
	}

	/** What the scheme's handshake cannot carry: such a member could never connect. */
	private static void checkCredentials(ProxyScheme scheme, String username, String password) {
		if (scheme == ProxyScheme.SOCKS4 && password != null) {
			throw new InvalidProxyUrlException("socks4 carries a user id but no password",
					"use socks5:// for username/password authentication");
		}
		if (scheme == ProxyScheme.SOCKS4 && username != null && username.indexOf('\0') >= 0) {
			// the user id goes NUL-terminated: the proxy would read only what comes before it
			throw new InvalidProxyUrlException("a SOCKS4 user id cannot hold a NUL byte (%00), which ends it on the wire",
					"check the user id: remove the %00, or use socks5:// whose credentials carry their length");
		}
		if ((scheme == ProxyScheme.HTTP || scheme == ProxyScheme.HTTPS) && username != null
				&& username.indexOf(':') >= 0) {
			// Basic authentication sends user:password, read up to the first ':': such a member could never connect
			throw new InvalidProxyUrlException("an HTTP proxy's user name cannot hold a ':' (RFC 7617)",
					"check the credentials: a ':' written as %3A in the user name still reaches the proxy as one;"
							+ " the password may hold one");
		}
		if (scheme == ProxyScheme.SOCKS5 && (longerThanSocks5Allows(username) || longerThanSocks5Allows(password))) {
			// RFC 1929 sends each with a length byte: such a member could never connect
			throw new InvalidProxyUrlException("SOCKS5 carries at most 255 bytes of user name and of password (RFC 1929)",
					"shorten the credential, or reach this proxy over http:// or https:// if it speaks CONNECT too");
		}
	}

	private static boolean longerThanSocks5Allows(String credential) {
		return credential != null && credential.getBytes(StandardCharsets.UTF_8).length > 255;
	}

	private static int indexOfAny(String s, String chars, int from) {
		for (int i = Math.max(from, 0); i < s.length(); i++) {
			if (chars.indexOf(s.charAt(i)) >= 0) {
				return i;
			}
		}
		return s.length();
	}

	private static String[] splitHostAndPort(String hostPort) {
		String host;
		String port;
		if (hostPort.startsWith("[")) {
			int close = hostPort.indexOf(']');
			if (close < 0) {
				throw new InvalidProxyUrlException("the IPv6 address has no closing bracket", "write it as [::1]:1080");
			}
			host = hostPort.substring(1, close);
			String afterHost = hostPort.substring(close + 1);
			port = afterHost.startsWith(":") ? afterHost.substring(1) : null;
		}
		else {
			int colon = hostPort.lastIndexOf(':');
			host = (colon >= 0) ? hostPort.substring(0, colon) : hostPort;
			port = (colon >= 0) ? hostPort.substring(colon + 1) : null;
		}
		if (host.isEmpty()) {
			throw new InvalidProxyUrlException("the URL has no host", "write the proxy's host name or IP after ://");
		}
		for (int i = 0; i < host.length(); i++) {
			char c = host.charAt(i);
			if (Character.isWhitespace(c) || c == '[' || c == ']') {
				throw new InvalidProxyUrlException("the host contains '" + c + "'",
						"write a plain host name or IP address, an IPv6 address in brackets: [::1]:1080");
			}
		}
		return new String[] { host, port };
	}

	/**
	 * A zone written as a URL writes it ({@code [fe80::1%25eth0]}, RFC 6874) becomes the zone
	 * the JDK reads ({@code fe80::1%eth0}); one written without the escape is kept, unless it
	 * begins with {@code 25}, which is always read as the escape ({@code %25} alone leaves an
	 * empty zone, which is refused).
	 */
	private static String decodeZone(String host) {
		int percent = host.indexOf('%');
		if (percent >= 0 && host.startsWith("25", percent + 1)) {
			return host.substring(0, percent + 1) + host.substring(percent + 3);
		}
		return host;
	}

	/**
	 * Rejects a host the JDK could not connect to, which would otherwise pass start-up and
	 * fail every connect: a malformed address (looked up by name at every connect), an IPv6
	 * address without brackets (its last group and the port cannot be told apart), or a
	 * name with characters no host name has, or longer than DNS carries.
	 */
	private static void checkHost(String host, boolean bracketed) {
		if (bracketed) {
			if (!IpLiterals.isIpv6(host)) {
				throw new InvalidProxyUrlException("the host is not a valid IPv6 address",
						"write an IPv6 address in brackets, such as [2001:db8::7]:1080, a zone as [fe80::1%25eth0]");
			}
			return;
		}
		if (host.indexOf(':') >= 0) {
			if (looksLikeIpv6(host)) {
				throw new InvalidProxyUrlException("an IPv6 address must be written in brackets",
						"write it as [2001:db8::7]:1080, a zone as [fe80::1%25eth0]:1080");
			}
			// not quoted: in 'host:port:user:password', the form some sellers hand out, it holds the user
			throw new InvalidProxyUrlException("the host contains ':'",
					"write credentials as scheme://user:password@host:port, an IPv6 address in brackets");
		}
		if (IpLiterals.looksLikeIpv4(host) && !IpLiterals.isIpv4(host)) {
			throw new InvalidProxyUrlException("the host is not a valid IPv4 address",
					"write four numbers from 0 to 255 without leading zeros, such as 10.0.0.7, or a host name");
		}
		for (int i = 0; i < host.length(); i++) {
			char c = host.charAt(i);
			boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
					|| c == '_' || c == '.';
			if (!allowed) {
				throw new InvalidProxyUrlException("the host contains '" + c + "'",
						"write a host name of letters, digits, '-', '_' and '.' (an international name in its "
								+ "xn-- form) or an IP address; percent-encode special characters in credentials");
			}
			if (c == '-' && (i == 0 || host.charAt(i - 1) == '.')) {
				throw new InvalidProxyUrlException("a label of the host name starts with '-'",
						"check the host name: no part of it between dots may start with '-'");
			}
			if (c == '.' && (i == 0 || host.charAt(i - 1) == '.')) {
				throw new InvalidProxyUrlException("the host name has an empty label",
						"check the host name: it may not start with '.' or have '..'");
			}
		}
		HostNames.checkLength(host);
	}

	/** Hex digits, colons and dots (an embedded IPv4 address), then perhaps a zone: meant as an IPv6 address. */
	private static boolean looksLikeIpv6(String host) {
		int zone = host.indexOf('%');
		String address = (zone >= 0) ? host.substring(0, zone) : host;
		for (int i = 0; i < address.length(); i++) {
			char c = address.charAt(i);
			if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
				return false;
			}
		}
		return true;
	}

	private static int parsePort(String port) {
		if (port == null || port.isEmpty()) {
			throw new InvalidProxyUrlException("the URL has no port",
					"add the proxy's port, e.g. :1080 for SOCKS or :3128 for HTTP (no default is assumed)");
		}
		int value = 0;
		for (int i = 0; i < port.length(); i++) {
			char c = port.charAt(i);
			if (c < '0' || c > '9' || i > 5) {
				// not quoted: in 'host:port:user:password', the form some sellers hand out, it is the user
				throw new InvalidProxyUrlException("the port is not a number from 1 to 65535",
						"use a port from 1 to 65535; write credentials as scheme://user:password@host:port");
			}
			value = value * 10 + (c - '0');
		}
		if (value < 1 || value > 65535) {
			throw new InvalidProxyUrlException("the port " + value + " is out of range", "use a port from 1 to 65535");
		}
		return value;
	}

	private static String percentDecode(String s) {
		if (s.indexOf('%') < 0) {
			return s;
		}
		ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
		for (int i = 0; i < s.length(); i++) {
			char c = s.charAt(i);
			if (c == '%') {
				int hi = (i + 2 < s.length()) ? Character.digit(s.charAt(i + 1), 16) : -1;
				int lo = (i + 2 < s.length()) ? Character.digit(s.charAt(i + 2), 16) : -1;
				if (hi < 0 || lo < 0) {
					throw new InvalidProxyUrlException("the credentials contain a malformed %-escape",
							"percent-encode special characters as %XX, e.g. %40 for @");
				}
				out.write((hi << 4) | lo);
				i += 2;
			}
			else {
				// a whole code point: the two halves of a surrogate pair encoded apart are two '?'
				int end = i + Character.charCount(s.codePointAt(i));
				byte[] bytes = s.substring(i, end).getBytes(StandardCharsets.UTF_8);
				out.write(bytes, 0, bytes.length);
				i = end - 1;
			}
		}
		return out.toString(StandardCharsets.UTF_8);
	}

	public ProxyScheme scheme() {
		return this.scheme;
	}

	/** Lower-case host name or IP literal (IPv6 without brackets, in its one text: see the constructor). */
	public String host() {
		return this.host;
	}

	public int port() {
		return this.port;
	}

	/** The username, or {@code null} when the proxy needs no authentication. */
	public String username() {
		return this.username;
	}

	/** The password, or {@code null}. Never log it. */
	public String password() {
		return this.password;
	}

	public boolean hasCredentials() {
		return this.username != null;
	}

	/** Whether the host is an IPv4 or IPv6 address rather than a name: nothing to look up. */
	public boolean hasIpLiteralHost() {
		return this.ipLiteral;
	}

	/** {@code host:port}, with brackets around an IPv6 literal; safe for logs and metric tags. */
	public String hostAndPort() {
		return ((this.host.indexOf(':') >= 0) ? "[" + this.host + "]" : this.host) + ":" + this.port;
	}

	/**
	 * What makes two configured members the same proxy: scheme, address and username.
	 * A password change does not make a new member, nor a trailing dot on a host name.
	 */
	public Identity identity() {
		return new Identity(this.scheme, withoutTrailingDot(this.host), this.port, this.username);
	}

	/** {@code proxy.example.} is the fully qualified spelling of {@code proxy.example}: one proxy. */
	private static String withoutTrailingDot(String host) {
		return (host.length() > 1 && host.endsWith(".")) ? host.substring(0, host.length() - 1) : host;
	}

	@Override
	public boolean equals(Object obj) {
		if (this == obj) {
			return true;
		}
		return obj instanceof ProxyEndpoint other && this.scheme == other.scheme && this.port == other.port
				&& this.host.equals(other.host) && Objects.equals(this.username, other.username)
				&& Objects.equals(this.password, other.password);
	}

	@Override
	public int hashCode() {
		return this.hash;
	}

	/** The URL with credentials replaced by {@code ***}. */
	@Override
	public String toString() {
		return this.masked;
	}

	/** See {@link ProxyEndpoint#identity()}. */
	public record Identity(ProxyScheme scheme, String host, int port, String username) {

		@Override
		public String toString() {
			return scheme.id() + "://" + ((username != null) ? ProxyUrls.MASK + "@" : "") + host + ":" + port;
		}

	}

}
