package io.cryptofeed.proxy.testkit;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cryptofeed.proxy.testkit.real.Microsocks;
import io.cryptofeed.proxy.testkit.real.RealProxies;
import io.cryptofeed.proxy.testkit.real.RealProxy;
import io.cryptofeed.proxy.testkit.support.ProxyClient;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.DisabledIf;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineTestKit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

class TestProxiesExtensionTests {

	@BeforeEach
	void forgetProxies() {
		StaticRegistration.classProxy = null;
		StaticRegistration.testProxies.clear();
		InstanceRegistration.created.clear();
		SeparateThreadTimeout.testProxies.clear();
		InstanceProxies.created.clear();
		PerClassInstanceRegistration.created.clear();
	}

	@Test
	void staticRegistrationClosesTestProxiesAfterEachTestAndClassProxiesAfterAll() {
		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(StaticRegistration.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(2).succeeded(2));

		assertThat(StaticRegistration.testProxies).hasSize(2);
		assertThat(StaticRegistration.testProxies).allSatisfy(TestProxiesExtensionTests::assertClosed);
		assertClosed(StaticRegistration.classProxy);
	}

	/**
	 * A test class has one instance per test: with the extension on a static field, a proxy its
	 * field initializer starts is that test's, closed after it rather than piling up until
	 * the class ends, and so is one started for a test that JUnit then skips.
	 */
	@Test
	void staticRegistrationClosesAProxyStartedByTheTestInstanceAfterItsTest() {
		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(InstanceProxies.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.skipped(1).started(2).succeeded(2));

		assertThat(InstanceProxies.created).hasSize(3);
		assertThat(InstanceProxies.created).allSatisfy(TestProxiesExtensionTests::assertClosed);
	}

	@Test
	void aProxyStartedByATestInstanceWhoseConstructorThenFailsIsClosed() {
		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(FailingConstructor.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(1).failed(1));

		assertThat(FailingConstructor.started).isNotNull().satisfies(TestProxiesExtensionTests::assertClosed);
	}

	@Test
	void instanceRegistrationClosesEveryProxyAfterEachTest() {
		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(InstanceRegistration.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(1).succeeded(1));

		assertThat(InstanceRegistration.created).hasSize(3);
		assertThat(InstanceRegistration.created).allSatisfy(TestProxiesExtensionTests::assertClosed);
	}

	/**
	 * With one test instance per class, JUnit calls class-level callbacks on an instance field's
	 * extension too: what the instance and its {@code @BeforeAll} methods start is the class's.
	 */
	@Test
	void instanceRegistrationInAClassWithOneInstanceClosesClassProxiesAfterAll() {
		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(PerClassInstanceRegistration.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(2).succeeded(2));

		assertThat(PerClassInstanceRegistration.created).hasSize(4)
			.allSatisfy(TestProxiesExtensionTests::assertClosed);
	}

	@Test
	void aTestRunOnAThreadOfItsOwnByATimeoutClosesItsProxiesWhenItEnds() {
		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(SeparateThreadTimeout.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(2).succeeded(2));

		assertThat(SeparateThreadTimeout.testProxies).hasSize(2);
		assertThat(SeparateThreadTimeout.testProxies).allSatisfy(TestProxiesExtensionTests::assertClosed);
	}

	/**
	 * A test that a {@code @Timeout} in {@code SEPARATE_THREAD} mode gave up on runs on: JUnit
	 * leaves its thread behind, and the test's callbacks end its scope meanwhile. A proxy it
	 * starts after that is closed at once, not added to a scope that nothing closes any more.
	 */
	@Test
	void aProxyStartedByATimedOutTestAfterItsScopeEndedIsClosedAtOnce() throws Exception {
		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(TimedOutSeparateThread.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(1).failed(1));
		// the test's after callbacks and the class's have all run: let the left-behind thread on
		TimedOutSeparateThread.scopeEnded.countDown();

		assertThat(TimedOutSeparateThread.started.await(30, TimeUnit.SECONDS)).as("the left-behind test went on")
			.isTrue();
		TestProxy late = TimedOutSeparateThread.lateProxy;
		assertThat(late).as("the proxy it started").isNotNull();
		try {
			assertClosed(late);
		}
		finally {
			// closing again does nothing: only a proxy left open is closed here
			late.close();
		}
	}

	@Test
	void aFailingBeforeEachOfAnotherExtensionLeavesClassProxiesOpenForTheNextTests() {
		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(FailingBeforeEach.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(2).failed(1).succeeded(1));

		assertClosed(FailingBeforeEach.classProxy);
	}

	@Test
	void testsRunningInParallelCloseOnlyTheirOwnProxies() {
		EngineTestKit.engine("junit-jupiter")
			.configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
			.configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
			.configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "2")
			.selectors(selectClass(ParallelRegistration.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(2).succeeded(2));

		assertThat(ParallelRegistration.quick).isNotNull().satisfies(TestProxiesExtensionTests::assertClosed);
		assertThat(ParallelRegistration.slow).isNotNull().satisfies(TestProxiesExtensionTests::assertClosed);
	}

	@Test
	void classesSharingOneExtensionAndRunningInParallelCloseOnlyTheirOwnClassProxies() {
		EngineTestKit.engine("junit-jupiter")
			.configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
			.configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
			.configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
			.configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "2")
			.selectors(selectClass(EarlyClass.class), selectClass(LateClass.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(2).succeeded(2));

		assertThat(EarlyClass.classProxy).isNotNull().satisfies(TestProxiesExtensionTests::assertClosed);
		assertThat(LateClass.classProxy).isNotNull().satisfies(TestProxiesExtensionTests::assertClosed);
	}

	@Test
	void managedServersAndProcessesAreClosedAtTheEndOfTheirScopeEvenWhenTheTestFails() {
		RealProxies.require(RealProxies.MICROSOCKS);

		EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(ManagedResources.class))
			.execute()
			.testEvents()
			.assertStatistics((stats) -> stats.started(2).failed(1).succeeded(1));

		assertThat(ManagedResources.failedTestResources).hasSize(3).allSatisfy(TestProxiesExtensionTests::assertRefused);
		assertThat(ManagedResources.classTarget).isNotNull().satisfies(TestProxiesExtensionTests::assertRefused);
		assertThat(ManagedResources.failedTestProcesses).isNotEmpty().noneMatch(ProcessHandle::isAlive);
	}

	@Test
	void managedResourcesAreClosedLatestFirstAndEveryOneIsTriedWhenOneFails() {
		List<Throwable> failures = EngineTestKit.engine("junit-jupiter")
			.selectors(selectClass(ClosingOrder.class))
			.execute()
			.testEvents()
			.failed()
			.map((event) -> event.getRequiredPayload(TestExecutionResult.class).getThrowable().orElseThrow())
			.toList();

		assertThat(ClosingOrder.closed).containsExactly("third", "second", "first");
		assertThat(failures).singleElement()
			.isInstanceOf(IllegalStateException.class)
			.extracting(Throwable::getCause)
			.extracting(Throwable::getMessage)
			.isEqualTo("cannot close the second");
	}

	private static void assertClosed(TestProxy proxy) {
		assertThatIllegalStateException().isThrownBy(() -> proxy.fault(Fault.NONE));
		assertThatExceptionOfType(ConnectException.class)
			.isThrownBy(() -> ProxyClient.open(proxy.host(), proxy.port()).close());
	}

	/** Refused at once: nothing listens on the port of the server or proxy any more. */
	private static void assertRefused(Object resource) {
		String host;
		int port;
		if (resource instanceof TargetServer server) {
			host = server.host();
			port = server.port();
		}
		else if (resource instanceof BlackholeProxy blackhole) {
			host = blackhole.host();
			port = blackhole.port();
		}
		else {
			RealProxy proxy = (RealProxy) resource;
			host = proxy.host();
			port = proxy.port();
		}
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> ProxyClient.open(host, port).close());
	}

	private static List<ProcessHandle> descendantsRunning(String binary) {
		return ProcessHandle.current()
			.descendants()
			.filter((process) -> process.info().command().map((command) -> command.endsWith("/" + binary)).orElse(false))
			.toList();
	}

	private static boolean isClosed(TestProxy proxy) {
		try {
			proxy.fault(Fault.NONE);
			return false;
		}
		catch (IllegalStateException ex) {
			return true;
		}
	}

	private static void assertOpen(TestProxy proxy) {
		proxy.fault(Fault.NONE);
		assertThat(proxy.fault()).isEqualTo(Fault.NONE);
	}

	/** Run by the engine test kit only: surefire skips nested classes. */
	@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
	static class StaticRegistration {

		@RegisterExtension
		static final TestProxiesExtension proxies = new TestProxiesExtension();

		static TestProxy classProxy;

		static final List<TestProxy> testProxies = new ArrayList<>();

		@BeforeAll
		static void createClassProxy() {
			classProxy = proxies.http();
		}

		@BeforeEach
		void createTestProxy() {
			testProxies.add(proxies.socks5Builder().bindAddress("127.0.0.8").start());
		}

		@Test
		@Order(1)
		void first() {
			assertOpen(classProxy);
			assertOpen(testProxies.get(0));
		}

		@Test
		@Order(2)
		void second() {
			assertClosed(testProxies.get(0));
			assertOpen(testProxies.get(1));
			assertOpen(classProxy);
		}

	}

	/**
	 * Run by the engine test kit only: JUnit runs each test method on a thread of its own, not
	 * the one of its before and after callbacks, for the timeout.
	 */
	@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
	@Timeout(value = 30, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	static class SeparateThreadTimeout {

		@RegisterExtension
		static final TestProxiesExtension proxies = new TestProxiesExtension();

		static final List<TestProxy> testProxies = new ArrayList<>();

		@Test
		@Order(1)
		void first() {
			testProxies.add(proxies.http());
		}

		@Test
		@Order(2)
		void second() {
			assertClosed(testProxies.get(0));
			testProxies.add(proxies.socks5());
		}

	}

	/**
	 * Run by the engine test kit only: its one test outlasts its timeout, in a thread of its own
	 * that JUnit leaves behind, and starts a proxy once the test's scope ended.
	 */
	@Timeout(value = 200, unit = TimeUnit.MILLISECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
	static class TimedOutSeparateThread {

		@RegisterExtension
		static final TestProxiesExtension proxies = new TestProxiesExtension();

		static final CountDownLatch scopeEnded = new CountDownLatch(1);

		static final CountDownLatch started = new CountDownLatch(1);

		static volatile TestProxy lateProxy;

		@Test
		void outlastsItsTimeout() {
			boolean interrupted = false;
			while (true) {
				try {
					scopeEnded.await();
					break;
				}
				catch (InterruptedException ex) {
					// JUnit interrupts the thread it gives up on: this test runs on regardless
					interrupted = true;
				}
			}
			try {
				lateProxy = proxies.http();
			}
			finally {
				started.countDown();
				if (interrupted) {
					Thread.currentThread().interrupt();
				}
			}
		}

	}

	/** Fails in its first test's beforeEach, before {@link TestProxiesExtension#beforeEach} runs. */
	static class FailOnce implements BeforeEachCallback {

		private static boolean failed;

		@Override
		public void beforeEach(ExtensionContext context) {
			if (!failed) {
				failed = true;
				throw new IllegalStateException("Failing before the proxies' scope opens");
			}
		}

	}

	/** Run by the engine test kit only: surefire skips nested classes. */
	@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
	@ExtendWith(FailOnce.class)
	static class FailingBeforeEach {

		@RegisterExtension
		static final TestProxiesExtension proxies = new TestProxiesExtension();

		static TestProxy classProxy;

		@BeforeAll
		static void createClassProxy() {
			FailOnce.failed = false;
			classProxy = proxies.http();
		}

		@Test
		@Order(1)
		void first() {
		}

		@Test
		@Order(2)
		void second() {
			assertOpen(classProxy);
		}

	}

	/**
	 * Run by the engine test kit only: two tests at once, each with a proxy of its own. The
	 * slow one outlives the quick one's end, whose proxies close, and still has its own.
	 */
	@Execution(ExecutionMode.CONCURRENT)
	static class ParallelRegistration {

		@RegisterExtension
		static final TestProxiesExtension proxies = new TestProxiesExtension();

		static final CountDownLatch bothStarted = new CountDownLatch(2);

		static volatile TestProxy quick;

		static volatile TestProxy slow;

		static volatile TargetServer quickTarget;

		@Test
		void quick() throws InterruptedException {
			quick = proxies.http();
			quickTarget = proxies.manage(TargetServer.start("127.0.0.1"));
			bothStarted.countDown();
			assertThat(bothStarted.await(10, TimeUnit.SECONDS)).as("the other test runs at the same time").isTrue();
		}

		@Test
		void slow() throws InterruptedException, IOException {
			slow = proxies.socks5();
			TargetServer slowTarget = proxies.manage(TargetServer.start("127.0.0.1"));
			bothStarted.countDown();
			assertThat(bothStarted.await(10, TimeUnit.SECONDS)).as("the other test runs at the same time").isTrue();
			await().atMost(Duration.ofSeconds(10)).until(() -> isClosed(quick));
			assertRefused(quickTarget);
			assertOpen(slow);
			ProxyClient.open(slowTarget.host(), slowTarget.port()).close();
		}

	}

	/**
	 * A base class whose extension its test classes share, as a suite's common base class does:
	 * each class's {@code @BeforeAll} starts a proxy once both classes are open, and neither goes on
	 * before both have, so that their class scopes overlap.
	 */
	abstract static class SharedExtension {

		@RegisterExtension
		static final TestProxiesExtension proxies = new TestProxiesExtension();

		static final CountDownLatch bothOpen = new CountDownLatch(2);

		static final CountDownLatch bothStarted = new CountDownLatch(2);

		static TestProxy startOnceBothClassesAreOpen() throws InterruptedException {
			bothOpen.countDown();
			assertThat(bothOpen.await(10, TimeUnit.SECONDS)).as("the other class runs at the same time").isTrue();
			TestProxy proxy = proxies.http();
			bothStarted.countDown();
			assertThat(bothStarted.await(10, TimeUnit.SECONDS)).as("the other class started its proxy").isTrue();
			return proxy;
		}

	}

	/** Run by the engine test kit only: ends while {@link LateClass} still runs. */
	static class EarlyClass extends SharedExtension {

		static volatile TestProxy classProxy;

		@BeforeAll
		static void startClassProxy() throws InterruptedException {
			classProxy = startOnceBothClassesAreOpen();
		}

		@Test
		void quick() {
			assertOpen(classProxy);
		}

	}

	/** Run by the engine test kit only: outlives {@link EarlyClass}, whose end must leave its proxy open. */
	static class LateClass extends SharedExtension {

		static volatile TestProxy classProxy;

		@BeforeAll
		static void startClassProxy() throws InterruptedException {
			classProxy = startOnceBothClassesAreOpen();
		}

		@Test
		void slow() {
			await().atMost(Duration.ofSeconds(10)).until(() -> EarlyClass.classProxy != null && isClosed(EarlyClass.classProxy));
			assertOpen(classProxy);
		}

	}

	/**
	 * Run by the engine test kit only: a target for the class, and a test that starts a target,
	 * a blackhole and a real proxy and then fails half-way.
	 */
	@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
	static class ManagedResources {

		@RegisterExtension
		static final TestProxiesExtension proxies = new TestProxiesExtension();

		static TargetServer classTarget;

		static final List<Object> failedTestResources = new ArrayList<>();

		static final List<ProcessHandle> failedTestProcesses = new ArrayList<>();

		@BeforeAll
		static void startClassTarget() {
			failedTestResources.clear();
			failedTestProcesses.clear();
			classTarget = proxies.manage(TargetServer.start("127.0.0.1"));
		}

		@Test
		@Order(1)
		void failsHalfWay() throws IOException {
			failedTestResources.add(proxies.manage(TargetServer.start("127.0.0.9")));
			failedTestResources.add(proxies.manage(BlackholeProxy.start()));
			failedTestResources.add(proxies.manage(Microsocks.builder().credentials("alice", "s3cret").start()));
			failedTestProcesses.addAll(descendantsRunning(RealProxies.MICROSOCKS));
			ProxyClient.open(classTarget.host(), classTarget.port()).close();
			throw new AssertionError("failing half-way, with everything still running");
		}

		@Test
		@Order(2)
		void classResourcesOutliveATest() throws IOException {
			assertThat(failedTestProcesses).isNotEmpty().noneMatch(ProcessHandle::isAlive);
			ProxyClient.open(classTarget.host(), classTarget.port()).close();
		}

	}

	/** Run by the engine test kit only: closing one resource fails. */
	static class ClosingOrder {

		@RegisterExtension
		static final TestProxiesExtension proxies = new TestProxiesExtension();

		static final List<String> closed = new ArrayList<>();

		@Test
		void manageThree() {
			closed.clear();
			proxies.manage((AutoCloseable) () -> closed.add("first"));
			proxies.manage((AutoCloseable) () -> {
				closed.add("second");
				throw new Exception("cannot close the second");
			});
			proxies.manage((AutoCloseable) () -> closed.add("third"));
		}

	}

	/** Run by the engine test kit only: surefire skips nested classes. */
	@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
	static class InstanceProxies {

		static final List<TestProxy> created = new ArrayList<>();

		@RegisterExtension
		static final TestProxiesExtension proxies = new TestProxiesExtension();

		final TestProxy fieldProxy = proxies.http();

		InstanceProxies() {
			created.add(this.fieldProxy);
		}

		@Test
		@Order(1)
		void first() {
			assertOpen(this.fieldProxy);
		}

		@Test
		@Order(2)
		@DisabledIf("always")
		void skipped() {
		}

		@Test
		@Order(3)
		void last() {
			assertOpen(this.fieldProxy);
			assertThat(created).hasSize(3);
			assertThat(created.subList(0, 2)).as("the earlier tests' proxies")
				.allSatisfy(TestProxiesExtensionTests::assertClosed);
		}

		static boolean always() {
			return true;
		}

	}

	/** Run by the engine test kit only: surefire skips nested classes. */
	static class FailingConstructor {

		@RegisterExtension
		static final TestProxiesExtension proxies = new TestProxiesExtension();

		static TestProxy started;

		FailingConstructor() {
			started = proxies.http();
			throw new IllegalStateException("cannot set the test up");
		}

		@Test
		void test() {
		}

	}

	/** Run by the engine test kit only: surefire skips nested classes. */
	@TestInstance(TestInstance.Lifecycle.PER_CLASS)
	@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
	static class PerClassInstanceRegistration {

		static final List<TestProxy> created = new ArrayList<>();

		@RegisterExtension
		final TestProxiesExtension proxies = new TestProxiesExtension();

		final TestProxy fieldProxy = this.proxies.http();

		TestProxy classProxy;

		@BeforeAll
		void createClassProxy() {
			this.classProxy = this.proxies.socks5();
			created.add(this.fieldProxy);
			created.add(this.classProxy);
		}

		@Test
		@Order(1)
		void first() {
			created.add(this.proxies.http());
		}

		@Test
		@Order(2)
		void second() {
			assertClosed(created.get(2));
			assertOpen(this.fieldProxy);
			assertOpen(this.classProxy);
			created.add(this.proxies.http());
		}

	}

	/** Run by the engine test kit only: surefire skips nested classes. */
	static class InstanceRegistration {

		static final List<TestProxy> created = new ArrayList<>();

		@RegisterExtension
		final TestProxiesExtension proxies = new TestProxiesExtension();

		final TestProxy fieldProxy = this.proxies.http("user", "pass");

		@Test
		void test() {
			created.add(this.fieldProxy);
			created.add(this.proxies.socks5("user", "pass"));
			created.add(this.proxies.httpBuilder().fault(Fault.HANG).start());
			created.forEach(TestProxiesExtensionTests::assertOpen);
		}

	}

}
