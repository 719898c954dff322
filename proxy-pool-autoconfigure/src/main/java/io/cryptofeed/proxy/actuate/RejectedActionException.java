package io.cryptofeed.proxy.actuate;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;

/**
 * An operator action the {@code proxypool} endpoint refuses: what is wrong, what to do instead,
 * and the HTTP status that tells it (400, or 404 for a pool or member that does not exist).
 * Neither text holds a credential: members are named by id, and what the request named is
 * shown masked. Over JMX, or to a caller of the endpoint's methods, it is an
 * {@link InvalidEndpointRequestException} whose message is the problem.
 */
final class RejectedActionException extends InvalidEndpointRequestException {

	/** 400. */
	static final int BAD_REQUEST = 400;

	/** 404. */
	static final int NOT_FOUND = 404;

	private final int status;

	private final String fix;

	RejectedActionException(int status, String problem, String fix) {
		super(problem, problem);
		this.status = status;
		this.fix = fix;
	}

	int status() {
		return this.status;
	}

	/** What the operator can do instead. */
	String fix() {
		return this.fix;
	}

}
