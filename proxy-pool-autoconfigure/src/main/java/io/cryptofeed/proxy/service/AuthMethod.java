package io.cryptofeed.proxy.service;

/** How the client proves who it is to the proxy service. */
public enum AuthMethod {

	/** No credentials: for a service reachable only from trusted hosts. */
	NONE,

	/** {@code Authorization: Bearer <token>}. */
	BEARER_TOKEN,

	/** {@code X-API-Key: <key>}. */
	API_KEY,

	/** A client certificate in the TLS handshake (https endpoints only). */
	MUTUAL_TLS

}
