package io.cryptofeed.proxy.actuate;

import java.util.function.Supplier;

import io.cryptofeed.proxy.actuate.ProxyPoolEndpoint.MemberAction;
import io.cryptofeed.proxy.actuate.ProxyPoolEndpoint.PoolAction;
import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.annotation.RegisterReflectionForBinding;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The {@code proxypool} endpoint's write operations over HTTP. An action the endpoint refuses
 * answers 400, or 404 for a pool or member that does not exist, with a body that says what is
 * wrong and what to do ({@link Rejection}); thrown, it would reach Boot's error handling,
 * whose body leaves the reason out unless {@code server.error.include-message} is set. The
 * action is read here, so that an unknown or missing one is told the same way. Reads are the
 * endpoint's own.
 */
@EndpointWebExtension(endpoint = ProxyPoolEndpoint.class)
@RegisterReflectionForBinding(ProxyPoolEndpointWebExtension.Rejection.class)
public class ProxyPoolEndpointWebExtension {

	private final ProxyPoolEndpoint endpoint;

	public ProxyPoolEndpointWebExtension(ProxyPoolEndpoint endpoint) {
		this.endpoint = endpoint;
	}

	/** {@code {"action":"check"}}: checks every member of the pool now. */
	@WriteOperation
	public WebEndpointResponse<OperationResponseBody> poolAction(@Selector String exchange, @Selector String type,
			@Nullable String action) {
		return answer(() -> this.endpoint.poolAction(exchange, type, PoolAction.of(action)));
	}

	/** {@code {"action":"drain"}}, {@code "undrain"} or {@code "check"} one member. */
	@WriteOperation
	public WebEndpointResponse<OperationResponseBody> memberAction(@Selector String exchange, @Selector String type,
			@Selector String member, @Nullable String action) {
		return answer(() -> this.endpoint.memberAction(exchange, type, member, MemberAction.of(action)));
	}

	private static WebEndpointResponse<OperationResponseBody> answer(Supplier<OperationResponseBody> action) {
		try {
			return new WebEndpointResponse<>(action.get());
		}
		catch (RejectedActionException ex) {
			return new WebEndpointResponse<>(new Rejection(ex.status(),
					(ex.status() == RejectedActionException.NOT_FOUND) ? "Not Found" : "Bad Request", ex.getMessage(),
					ex.fix()), ex.status());
		}
	}

	/**
	 * Why an action was refused.
	 *
	 * @param status the HTTP status, also the answer's
	 * @param error the status's reason phrase
	 * @param message what is wrong
	 * @param fix what to do instead
	 */
	public record Rejection(int status, String error, String message, String fix) implements OperationResponseBody {
	}

}
