package io.cryptofeed.proxy.testkit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;

/**
 * Creates in-JVM proxies for tests and closes each one at the end of the scope that created it.
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final TestProxiesExtension proxies = new TestProxiesExtension();
 * </pre>
 *
 * A proxy created during a test, including its {@code @BeforeEach} methods, is closed after that
 * test ({@link AfterEachCallback}). A proxy created in a {@code @BeforeAll} method is closed after
 * all tests of its class ({@link AfterAllCallback}), which requires registering the extension on a
 * static field: on an instance field JUnit calls no class-level callbacks, so a proxy created
 * outside a test (in a field initializer or constructor) is then closed after the test. Tests
 * of one class may run in parallel: a proxy belongs to the test whose thread started it, as
 * JUnit runs each test with its {@code @BeforeEach} and {@code @AfterEach} methods on one thread.
 */
public final class TestProxiesExtension
		implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

	private static final Namespace NAMESPACE = Namespace.create(TestProxiesExtension.class);

	/** The proxies of the open class scopes, innermost first: classes, nested classes. */
	private final Deque<List<TestProxy>> scopes = new ArrayDeque<>();

	/** The proxies of the test running on this thread, while one runs. */
	private final ThreadLocal<List<TestProxy>> testScope = new ThreadLocal<>();

	/** Proxies created while no scope was open. */
	private final List<TestProxy> unscoped = new ArrayList<>();

	/** An HTTP CONNECT proxy on {@code 127.0.0.1} without credentials. */
	public HttpConnectProxy http() {
		return httpBuilder().start();
	}

	/** An HTTP CONNECT proxy on {@code 127.0.0.1} that requires these credentials. */
	public HttpConnectProxy http(String user, String password) {
		return httpBuilder().credentials(user, password).start();
	}

	/** A SOCKS5 proxy on {@code 127.0.0.1} without authentication. */
	public Socks5Proxy socks5() {
		return socks5Builder().start();
	}

	/** A SOCKS5 proxy on {@code 127.0.0.1} that requires these credentials. */
	public Socks5Proxy socks5(String user, String password) {
		return socks5Builder().credentials(user, password).start();
	}

	/** A builder whose proxy this extension closes, to choose addresses, port or initial fault. */
	public HttpConnectProxy.Builder httpBuilder() {
		return HttpConnectProxy.builder().whenStarted(this::register);
	}

	/** A builder whose proxy this extension closes, to choose addresses, port or initial fault. */
	public Socks5Proxy.Builder socks5Builder() {
		return Socks5Proxy.builder().whenStarted(this::register);
	}

	@Override
	public synchronized void beforeAll(ExtensionContext context) {
		this.scopes.push(new ArrayList<>());
		context.getStore(NAMESPACE).put(this, Boolean.TRUE);
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		this.testScope.set(new ArrayList<>());
		context.getStore(NAMESPACE).put(this, Boolean.TRUE);
	}

	/**
	 * Closes the test's proxies, if this extension's before callback ran for it: JUnit calls
	 * every after callback even when an earlier extension's before callback failed.
	 */
	@Override
	public void afterEach(ExtensionContext context) {
		List<TestProxy> own = this.testScope.get();
		this.testScope.remove();
		List<TestProxy> toClose = new ArrayList<>();
		if (context.getStore(NAMESPACE).remove(this) != null && own != null) {
			toClose.addAll(own);
		}
		synchronized (this) {
			if (this.scopes.isEmpty()) {
				// an extension on an instance field: no class scope, so what was created outside the test goes too
				toClose.addAll(this.unscoped);
				this.unscoped.clear();
			}
		}
		closeAll(toClose);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		closeInnermostScope(context.getStore(NAMESPACE).remove(this) != null);
	}

	private void register(TestProxy proxy) {
		List<TestProxy> own = this.testScope.get();
		if (own != null) {
			own.add(proxy);
			return;
		}
		synchronized (this) {
			(this.scopes.isEmpty() ? this.unscoped : this.scopes.peek()).add(proxy);
		}
	}

	private void closeInnermostScope(boolean opened) {
		List<TestProxy> toClose = new ArrayList<>();
		synchronized (this) {
			if (opened && !this.scopes.isEmpty()) {
				toClose.addAll(this.scopes.pop());
			}
			if (this.scopes.isEmpty()) {
				toClose.addAll(this.unscoped);
				this.unscoped.clear();
			}
		}
		closeAll(toClose);
	}

	private static void closeAll(List<TestProxy> proxies) {
		RuntimeException failure = null;
		for (TestProxy proxy : proxies) {
			try {
				proxy.close();
			}
			catch (RuntimeException ex) {
				if (failure == null) {
					failure = ex;
				}
				else {
					failure.addSuppressed(ex);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

}
