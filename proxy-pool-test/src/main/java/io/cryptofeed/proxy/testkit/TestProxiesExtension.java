package io.cryptofeed.proxy.testkit;

import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;

import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.jupiter.api.extension.TestInstancePreDestroyCallback;

/**
 * Creates in-JVM proxies for tests and closes each one at the end of the scope that created it;
 * {@link #manage(AutoCloseable)} hands it the kit's other servers and processes (a target
 * server, a blackhole, a real proxy) to close alike.
 *
 * <pre class="code">
 * &#64;RegisterExtension
 * static final TestProxiesExtension proxies = new TestProxiesExtension();
 * </pre>
 *
 * A proxy created during a test, including its {@code @BeforeEach} methods and the field
 * initializers and constructor of its instance (one per test, unless the class asks for one per
 * class), is closed after that test ({@link AfterEachCallback}), whether the test passed or
 * failed. A proxy created in a {@code @BeforeAll} method is closed after all tests of its class
 * ({@link AfterAllCallback}), which requires registering the extension on a static field, or on
 * an instance field of a class with one instance for all its tests
 * ({@code @TestInstance(PER_CLASS)}): on an instance field of a class with one instance per test
 * JUnit calls no class-level callbacks, so a proxy created outside a test (in a field
 * initializer or constructor) is then closed after the test. Tests may run in parallel, and so may classes that
 * share one extension (a static field of a common base class): a proxy belongs to the test whose
 * thread started it, as JUnit runs each test with its {@code @BeforeEach} and {@code @AfterEach}
 * methods on one thread (or on a thread of their own for a {@code @Timeout} in
 * {@code SEPARATE_THREAD} mode), and one started in a {@code @BeforeAll} method to that method's class.
 * What a scope holds is closed in reverse order, the latest first, as try-with-resources does.
 */
public final class TestProxiesExtension
		implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback, InvocationInterceptor,
		TestInstancePreDestroyCallback {

	private static final Namespace NAMESPACE = Namespace.create(TestProxiesExtension.class);

	/** Where a test's scope is kept for the threads that run its methods. */
	private static final Namespace TEST_NAMESPACE = Namespace.create(TestProxiesExtension.class, "test");

	/** The class scopes open now, in the order they opened; several at once when classes run in parallel. */
	private final List<ClassScope> openClassScopes = new ArrayList<>();

	/**
	 * The class scopes this thread opened and has not closed, innermost first: the one its
	 * {@code @BeforeAll} methods register in. JUnit runs a class's before and after callbacks
	 * and its {@code @BeforeAll} methods on one thread, nested classes inside their outer one's.
	 */
	private final ThreadLocal<Deque<ClassScope>> classScopesOfThread = new ThreadLocal<>();

	/** What the test running on this thread holds, while one runs. */
	private final ThreadLocal<TestScope> testScope = new ThreadLocal<>();

	/** What was created while no scope was open. */
	private final List<AutoCloseable> unscoped = new ArrayList<>();

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

	/**
	 * Closes the resource at the end of the scope this is called in, as if this extension had
	 * created it: after the test, or after the class when called in {@code @BeforeAll}. For the
	 * kit's servers and processes that do not come from this extension:
	 *
	 * <pre class="code">
	 * TargetServer target = proxies.manage(TargetServer.start("127.0.0.1"));
	 * Tinyproxy tinyproxy = proxies.manage(Tinyproxy.builder().bindAddress("127.0.0.4").start());
	 * </pre>
	 * @param resource what to close; the kit's servers and proxies may be closed by the test
	 * before, closing them again does nothing
	 * @return the resource
	 */
	public <T extends AutoCloseable> T manage(T resource) {
		register(Objects.requireNonNull(resource, "resource"));
		return resource;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		ClassScope scope = new ClassScope();
		synchronized (this) {
			this.openClassScopes.add(scope);
		}
		if (this.classScopesOfThread.get() == null) {
			this.classScopesOfThread.set(new ArrayDeque<>());
		}
		this.classScopesOfThread.get().push(scope);
		context.getStore(NAMESPACE).put(this, scope);
	}

	/**
	 * Opens the test's scope already while JUnit creates the instance of a test class that has
	 * one per test, so that a proxy its field initializers or constructor start is the test's.
	 */
	@Override
	public <T> T interceptTestClassConstructor(Invocation<T> invocation,
			ReflectiveInvocationContext<Constructor<T>> invocationContext, ExtensionContext extensionContext)
			throws Throwable {
		if (this.testScope.get() != null || extensionContext.getTestInstanceLifecycle()
			.orElse(TestInstance.Lifecycle.PER_METHOD) != TestInstance.Lifecycle.PER_METHOD) {
			// an outer instance opened it already, or the instance is the class's
			return invocation.proceed();
		}
		this.testScope.set(new TestScope());
		try {
			return invocation.proceed();
		}
		catch (Throwable ex) {
			// no test callbacks follow a failed construction: close what the initializers started
			endTestScopeOfThisThread();
			throw ex;
		}
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		TestScope own = this.testScope.get();
		if (own == null) {
			own = new TestScope();
			this.testScope.set(own);
		}
		context.getStore(TEST_NAMESPACE).put(this, own);
	}

	@Override
	public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> invocationContext,
			ExtensionContext extensionContext) throws Throwable {
		proceedInTestScope(invocation, extensionContext);
	}

	@Override
	public void interceptTestTemplateMethod(Invocation<Void> invocation,
			ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
		proceedInTestScope(invocation, extensionContext);
	}

	@Override
	public void interceptBeforeEachMethod(Invocation<Void> invocation,
			ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
		proceedInTestScope(invocation, extensionContext);
	}

	@Override
	public void interceptAfterEachMethod(Invocation<Void> invocation,
			ReflectiveInvocationContext<Method> invocationContext, ExtensionContext extensionContext) throws Throwable {
		proceedInTestScope(invocation, extensionContext);
	}

	/**
	 * Closes what the test holds, if this extension's before callback ran for it: JUnit calls
	 * every after callback even when an earlier extension's before callback failed.
	 */
	@Override
	public void afterEach(ExtensionContext context) {
		TestScope onThisThread = this.testScope.get();
		this.testScope.remove();
		TestScope own = context.getStore(TEST_NAMESPACE).remove(this, TestScope.class);
		if (own == null) {
			// this extension's before callback did not run: the scope the test's instance opened, if any
			own = onThisThread;
		}
		List<AutoCloseable> toClose = new ArrayList<>();
		synchronized (this) {
			if (this.openClassScopes.isEmpty()) {
				// an extension on an instance field: no class scope, so what was created outside the test goes too
				toClose.addAll(this.unscoped);
				this.unscoped.clear();
			}
		}
		if (own != null) {
			toClose.addAll(own.end());
		}
		closeAll(toClose);
	}

	/**
	 * Closes what the instance of a test that JUnit skipped started: no test callbacks ran for
	 * it, but its instance was created.
	 */
	@Override
	public void preDestroyTestInstance(ExtensionContext context) {
		endTestScopeOfThisThread();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		// its own scope, not the latest opened: a class running beside it may have opened one since
		ClassScope scope = context.getStore(NAMESPACE).remove(this, ClassScope.class);
		Deque<ClassScope> ofThisThread = this.classScopesOfThread.get();
		if (ofThisThread != null) {
			ofThisThread.remove(scope);
			if (ofThisThread.isEmpty()) {
				this.classScopesOfThread.remove();
			}
		}
		closeClassScope(scope);
	}

	/**
	 * Runs a method of a test with the test's scope on the calling thread: not the thread of the
	 * test's callbacks when a {@code @Timeout} in {@code SEPARATE_THREAD} mode runs the method on
	 * a thread of its own.
	 */
	private void proceedInTestScope(Invocation<Void> invocation, ExtensionContext context) throws Throwable {
		TestScope own = context.getStore(TEST_NAMESPACE).get(this, TestScope.class);
		if (own == null || this.testScope.get() != null) {
			invocation.proceed();
			return;
		}
		this.testScope.set(own);
		try {
			invocation.proceed();
		}
		finally {
			this.testScope.remove();
		}
	}

	private void endTestScopeOfThisThread() {
		TestScope pending = this.testScope.get();
		this.testScope.remove();
		if (pending != null) {
			closeAll(pending.end());
		}
	}

	private void register(AutoCloseable resource) {
		TestScope own = this.testScope.get();
		if (own != null) {
			own.add(resource);
			return;
		}
		Deque<ClassScope> classScopes = this.classScopesOfThread.get();
		ClassScope ofThisThread = (classScopes != null) ? classScopes.peek() : null;
		synchronized (this) {
			if (ofThisThread != null && this.openClassScopes.contains(ofThisThread)) {
				ofThisThread.resources.add(resource);
			}
			else if (!this.openClassScopes.isEmpty()) {
				// started on a thread of no class (a thread of the test's own): the latest class opened
				this.openClassScopes.get(this.openClassScopes.size() - 1).resources.add(resource);
			}
			else {
				this.unscoped.add(resource);
			}
		}
	}

	private void closeClassScope(ClassScope scope) {
		List<AutoCloseable> toClose = new ArrayList<>();
		synchronized (this) {
			if (scope != null) {
				this.openClassScopes.remove(scope);
			}
			if (this.openClassScopes.isEmpty()) {
				// created before any scope opened, so closed after the last scope's
				toClose.addAll(this.unscoped);
				this.unscoped.clear();
			}
			if (scope != null) {
				toClose.addAll(scope.resources);
			}
		}
		closeAll(toClose);
	}

	/** Closes every resource, the last one first, and throws the first failure once all were tried. */
	private static void closeAll(List<AutoCloseable> resources) {
		RuntimeException failure = null;
		for (int i = resources.size() - 1; i >= 0; i--) {
			try {
				resources.get(i).close();
			}
			catch (Exception ex) {
				RuntimeException unchecked = (ex instanceof RuntimeException runtime) ? runtime
						: new IllegalStateException("Cannot close " + resources.get(i), ex);
				if (failure == null) {
					failure = unchecked;
				}
				else {
					failure.addSuppressed(unchecked);
				}
			}
		}
		if (failure != null) {
			throw failure;
		}
	}

	/**
	 * What one test holds. A method that a {@code @Timeout} in {@code SEPARATE_THREAD} mode gave
	 * up on runs on in the thread JUnit leaves behind, and may add to it while, or after, the
	 * test's after callback ends it: what comes after is closed at once, as nothing would close
	 * it later.
	 */
	private static final class TestScope {

		private final List<AutoCloseable> resources = new ArrayList<>();

		private boolean ended;

		void add(AutoCloseable resource) {
			synchronized (this) {
				if (!this.ended) {
					this.resources.add(resource);
					return;
				}
			}
			closeAll(List.of(resource));
		}

		/** Ends the scope: what it holds, to close. */
		synchronized List<AutoCloseable> end() {
			this.ended = true;
			List<AutoCloseable> held = new ArrayList<>(this.resources);
			this.resources.clear();
			return held;
		}

	}

	/** What one class holds; compared by identity, as two classes may hold equal lists. */
	private static final class ClassScope {

		private final List<AutoCloseable> resources = new ArrayList<>();

	}

}
