package io.cryptofeed.proxy.testkit;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.cryptofeed.proxy.testkit.support.ProxyClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
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

	private static void assertClosed(TestProxy proxy) {
		assertThatIllegalStateException().isThrownBy(() -> proxy.fault(Fault.NONE));
		assertThatExceptionOfType(ConnectException.class)
			.isThrownBy(() -> ProxyClient.open(proxy.host(), proxy.port()).close());
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

		@Test
		void quick() throws InterruptedException {
			quick = proxies.http();
			bothStarted.countDown();
			assertThat(bothStarted.await(10, TimeUnit.SECONDS)).as("the other test runs at the same time").isTrue();
		}

		@Test
		void slow() throws InterruptedException {
			slow = proxies.socks5();
			bothStarted.countDown();
			assertThat(bothStarted.await(10, TimeUnit.SECONDS)).as("the other test runs at the same time").isTrue();
			await().atMost(Duration.ofSeconds(10)).until(() -> isClosed(quick));
			assertOpen(slow);
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
