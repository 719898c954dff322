package io.cryptofeed.proxy.service;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.cryptofeed.proxy.core.Durations;
import io.netty.channel.ChannelOption;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.Http11SslContextSpec;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import org.springframework.core.codec.CodecException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.UnsupportedMediaTypeException;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The two calls of the protocol over HTTP, with failover between the endpoints: each call
 * starts at the endpoint that answered last and tries every other one once. Its own
 * connections, never through the pools. Every failure becomes a {@link ServiceCallException}.
 */
final class ProxyServiceClient implements AutoCloseable {

	/** The most of an answer the client reads (the codecs' default, made explicit): a larger one is malformed. */
	static final int MAX_ANSWER_BYTES = 256 * 1024;

	private final List<URI> endpoints;

	private final ServiceCredentials credentials;

	private final Duration timeout;

	private final ConnectionProvider connections;

	private final WebClient webClient;

	private final AtomicInteger preferred = new AtomicInteger();

	/**
	 * @param tls key and trust material for https endpoints, or {@code null} for the JDK's defaults
	 */
	ProxyServiceClient(ServiceClientSettings settings, ServiceTls tls) {
		this.endpoints = settings.endpoints();
		this.credentials = settings.credentials();
		this.timeout = settings.timeout();
		this.connections = ConnectionProvider.builder("proxy-service")
			.maxConnections(64)
			// a burst of connections asking at once (ttl_seconds 0, a start-up) waits for a free
			// connection, each within its timeout: Reactor Netty's bound (128 waiting) failed the
			// rest at once as if the service were unreachable, and opened the breaker
			.pendingAcquireMaxCount(-1)
			// and no other bound than the call's: Reactor Netty's own 45s would cut a longer
			// timeout short and report a busy client as an unreachable service
			.pendingAcquireTimeout(this.timeout)
			.maxIdleTime(Duration.ofSeconds(30))
			.build();
		HttpClient http = HttpClient.create(this.connections)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(this.timeout.toMillis(), Integer.MAX_VALUE));
		if (tls != null) {
			http = http.secure((spec) -> spec.sslContext(Http11SslContextSpec.forClient()
				.configure((builder) -> {
					if (tls.keyManagers() != null) {
						builder.keyManager(tls.keyManagers());
					}
					if (tls.trustManagers() != null) {
						builder.trustManager(tls.trustManagers());
					}
				})));
		}
		this.webClient = WebClient.builder()
			.clientConnector(new ReactorClientHttpConnector(http))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(MAX_ANSWER_BYTES))
			.build();
	}

	/**
	 * Asks for a proxy and reads the answer with {@code interpret}, whose
	 * {@link ServiceCallException} (without endpoint) counts as a failure of the endpoint that answered.
	 * An answer that cannot be decoded fails as {@code malformed}, with the fallback policy it
	 * names if that field alone can be read ({@link ServiceCallException#namedPolicy()}).
	 */
	<T> Mono<T> request(ProxyRequest request, Function<ProxyResponse, T> interpret) {
		return post(ProxyRequest.PATH, request, ProxyResponse.class, interpret);
	}

	Mono<Void> feedback(ProxyFeedback feedback) {
		return post(ProxyFeedback.PATH, feedback, Void.class, Function.identity());
	}

	private <A, T> Mono<T> post(String path, Object body, Class<A> answer, Function<A, T> interpret) {
		return post(path, body, answer, interpret, this.preferred.get(), 1, null);
	}

	private <A, T> Mono<T> post(String path, Object body, Class<A> answer, Function<A, T> interpret, int index,
			int attempt, ServiceCallException earlier) {
		URI endpoint = this.endpoints.get(index);
		return once(endpoint, path, body, answer).map(interpret)
			.onErrorMap(ServiceCallException.class, (failure) -> (failure.endpoint() != null) ? failure
					: failure.at(endpoint.toString()))
			.doOnSuccess((value) -> this.preferred.set(index))
			.onErrorResume(ServiceCallException.class, (failure) -> {
				ServiceCallException all = (earlier != null) ? failure.after(earlier) : failure;
				if (attempt >= this.endpoints.size()) {
					return Mono.error(all);
				}
				return post(path, body, answer, interpret, (index + 1) % this.endpoints.size(), attempt + 1, all);
			});
	}

	private <T> Mono<T> once(URI endpoint, String path, Object body, Class<T> answer) {
		String base = endpoint.toString();
		String url = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
		return this.webClient.post()
			.uri(URI.create(url))
			.headers(this.credentials::apply)
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchangeToMono((response) -> read(base, response, answer))
			.timeout(this.timeout)
			.onErrorMap((error) -> !(error instanceof ServiceCallException), (error) -> classify(base, error));
	}

	private <T> Mono<T> read(String endpoint, ClientResponse response, Class<T> answer) {
		HttpStatusCode status = response.statusCode();
		// exchangeToMono releases a body this does not read; releasing it here as well would
		// subscribe to it twice when the connection breaks off mid-body
		if (status.is2xxSuccessful()) {
			if (answer == Void.class) {
				return Mono.empty();
			}
			// read whole first (within MAX_ANSWER_BYTES), so that an answer the codecs cannot decode
			// can be read again for the fallback policy it names: a fail must not become direct
			return response.bodyToMono(byte[].class)
				.flatMap((body) -> decode(response, body, answer).onErrorResume(CodecException.class,
						(error) -> namedPolicy(response, body)
							.map((policy) -> classify(endpoint, error).naming(policy))
							.switchIfEmpty(Mono.fromSupplier(() -> classify(endpoint, error)))
							.flatMap(Mono::error)))
				.switchIfEmpty(Mono.error(() -> new ServiceCallException(ServiceCallException.Reason.MALFORMED,
						endpoint, "HTTP " + status.value() + " without a body")));
		}
		ServiceCallException.Reason reason = (status.value() == 401 || status.value() == 403)
				? ServiceCallException.Reason.UNAUTHORIZED
				: (status.is5xxServerError() || status.value() == 429) ? ServiceCallException.Reason.SERVER_ERROR
						: ServiceCallException.Reason.REJECTED;
		return Mono.error(new ServiceCallException(reason, endpoint, "HTTP " + status.value()));
	}

	/** A body read whole, decoded by the same codecs as the response it came with. */
	private static <T> Mono<T> decode(ClientResponse response, byte[] body, Class<T> type) {
		return ClientResponse.create(response.statusCode(), response.strategies())
			.headers((headers) -> headers.addAll(response.headers().asHttpHeaders()))
			.body(Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body)))
			.build()
			.bodyToMono(type);
	}

	/** The fallback policy a body names, read alone; empty when it names none that can be read. */
	private static Mono<FallbackPolicy> namedPolicy(ClientResponse response, byte[] body) {
		return decode(response, body, NamedPolicy.class)
			.mapNotNull((named) -> FallbackPolicy.fromWireName(named.fallbackPolicy()))
			.onErrorComplete();
	}

	private ServiceCallException classify(String endpoint, Throwable error) {
		if (error instanceof TimeoutException) {
			return new ServiceCallException(ServiceCallException.Reason.TIMEOUT, endpoint,
					"no answer within " + Durations.format(this.timeout));
		}
		if (error instanceof CodecException) {
			// the parser's message may quote the body, and with it a proxy password: name the kind only
			return new ServiceCallException(ServiceCallException.Reason.MALFORMED, endpoint,
					"the answer is not JSON of the protocol (" + rootCause(error).getClass().getSimpleName() + ")");
		}
		Throwable root = rootCause(error);
		if (root instanceof DataBufferLimitException) {
			// it answered, whole, with more than the protocol's answer can be: as wrong as any
			// other answer that cannot be read, and asking again would get the same
			return new ServiceCallException(ServiceCallException.Reason.MALFORMED, endpoint,
					"the answer is larger than " + (MAX_ANSWER_BYTES / 1024) + " KB, the most the client reads");
		}
		if (root instanceof UnsupportedMediaTypeException unsupported) {
			// it answered, with something else than JSON (a login page, a gateway's error page):
			// retrying the same service cannot help, and it is not down
			return new ServiceCallException(ServiceCallException.Reason.MALFORMED, endpoint,
					"the answer's content type is " + unsupported.getContentType() + ", not JSON");
		}
		String detail = root.getClass().getSimpleName() + ((root.getMessage() != null) ? ": " + root.getMessage() : "");
		// WebClientRequestException around a refused connect, an unknown host, a failed TLS handshake
		return new ServiceCallException(ServiceCallException.Reason.UNREACHABLE, endpoint, detail);
	}

	private static Throwable rootCause(Throwable error) {
		Throwable root = error;
		while (root.getCause() != null && root.getCause() != root) {
			root = root.getCause();
		}
		return root;
	}

	@Override
	public void close() {
		// a connection whose event loop has already stopped cannot be closed any more, and
		// nothing is left to do for it
		this.connections.disposeLater().onErrorComplete().subscribe();
	}

}
