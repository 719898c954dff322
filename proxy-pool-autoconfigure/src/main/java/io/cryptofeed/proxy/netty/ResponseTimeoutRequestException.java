package io.cryptofeed.proxy.netty;

import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * A WebClient request that a response timeout (the pools' or the client's own) ended:
 * WebClient's own error, with the same cause (Netty's {@code ReadTimeoutException}), and what
 * the timeout ran out on as its message where WebClient's has none, as that timeout has no
 * message.
 */
final class ResponseTimeoutRequestException extends WebClientRequestException {

	private final String message;

	ResponseTimeoutRequestException(String message, WebClientRequestException original) {
		super(original.getCause(), original.getMethod(), original.getUri(), original.getHeaders());
		this.message = message;
		setStackTrace(original.getStackTrace());
		for (Throwable suppressed : original.getSuppressed()) {
			addSuppressed(suppressed);
		}
	}

	@Override
	public String getMessage() {
		return this.message;
	}

}
