package io.cryptofeed.proxy.testkit;

import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;

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
import org.junit.platform.testkit.engine.EngineTestKit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
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
