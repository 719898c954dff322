package io.cryptofeed.proxy.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.web.reactive.function.server.HandlerFilterFunction;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Lets a call through only with the configured bearer token or API key, compared in constant
 * time; with neither configured, only over a connection whose client certificate TLS has
 * checked. A refused call gets 401 and is not logged above debug: it says nothing about the
 * pools.
 */
final class ServiceCallerCheck implements HandlerFilterFunction<ServerResponse, ServerResponse> {

	private static final System.Logger log = System.getLogger(ServiceCallerCheck.class.getName());

	private final byte[] bearer;

	private final byte[] apiKey;

	ServiceCallerCheck(ServiceServerSettings settings) {
		this.bearer = (settings.token() != null) ? settings.token().getBytes(StandardCharsets.UTF_8) : null;
		this.apiKey = (settings.apiKey() != null) ? settings.apiKey().getBytes(StandardCharsets.UTF_8) : null;
	}

	@Override
	public Mono<ServerResponse> filter(ServerRequest request, HandlerFunction<ServerResponse> next) {
		if (allowed(request)) {
			return next.handle(request);
		}
		log.log(System.Logger.Level.DEBUG, "proxy service call refused: path={0} remote={1}", request.path(),
				request.remoteAddress().map(String::valueOf).orElse("unknown"));
		return ServerResponse.status(HttpStatus.UNAUTHORIZED)
			.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
			.build();
	}

	private boolean allowed(ServerRequest request) {
		if (this.bearer == null && this.apiKey == null) {
			// the routes answer on every port of the application, Boot's management port too,
			// which may be plain http: a certificate on this connection is the only proof
			SslInfo tls = request.exchange().getRequest().getSslInfo();
			return tls != null && tls.getPeerCertificates() != null && tls.getPeerCertificates().length > 0;
		}
		HttpHeaders headers = request.headers().asHttpHeaders();
		return matches(this.bearer, bearerToken(headers.getFirst(HttpHeaders.AUTHORIZATION)))
				|| matches(this.apiKey, headers.getFirst(ServiceCredentials.API_KEY_HEADER));
	}

	/**
	 * The token after the scheme, which HTTP reads in any case ({@code bearer} too) and
	 * separates from the token by one or more spaces, or {@code null}.
	 */
	private static String bearerToken(String authorization) {
		String scheme = "Bearer ";
		if (authorization == null || !authorization.regionMatches(true, 0, scheme, 0, scheme.length())) {
			return null;
		}
		int start = scheme.length();
		while (start < authorization.length() && authorization.charAt(start) == ' ') {
			start++;
		}
		return authorization.substring(start);
	}

	private static boolean matches(byte[] expected, String given) {
		return expected != null && given != null
				&& MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8));
	}

}
