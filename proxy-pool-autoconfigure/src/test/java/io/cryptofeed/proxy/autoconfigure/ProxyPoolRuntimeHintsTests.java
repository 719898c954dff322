package io.cryptofeed.proxy.autoconfigure;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.service.ProxyFeedback;
import io.cryptofeed.proxy.service.ProxyResponse;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.ReflectionHintsPredicates;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.util.ClassUtils;

import static org.assertj.core.api.Assertions.assertThat;

/** The reflection the starter does at run time has a hint for a native image. */
class ProxyPoolRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	private final ReflectionHintsPredicates reflection = RuntimeHintsPredicates.reflection();

	ProxyPoolRuntimeHintsTests() {
		new ProxyPoolRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
	}

	/** UnknownProxyProperties knows the names by the getters, the proxy service's ones included. */
	@Test
	void theGettersOfEveryPropertiesClassAndTheirNestedOnes() throws NoSuchMethodException {
		assertThat(this.reflection.onMethodInvocation(ProxyProperties.class.getMethod("getExchanges")))
			.accepts(this.hints);
		assertThat(this.reflection.onMethodInvocation(ProxyProperties.Connection.class.getMethod("getPool")))
			.accepts(this.hints);
		assertThat(this.reflection.onMethodInvocation(ExternalServiceProperties.class.getMethod("getEndpoints")))
			.accepts(this.hints);
		assertThat(this.reflection.onMethodInvocation(ServiceServerProperties.class.getMethod("getApiKey")))
			.accepts(this.hints);
	}

	/** BoundValues reads every field, also one named unlike its property, which binding's hints leave out. */
	@Test
	void theFieldsOfThePoolsProperties() {
		assertThat(this.reflection.onFieldAccess(ProxyProperties.Member.class, "weight")).accepts(this.hints);
		assertThat(this.reflection.onFieldAccess(ProxyProperties.class, "defaultSettings")).accepts(this.hints);
	}

	@Test
	void theClassesLookedUpByName() {
		assertThat(ProxyPoolRuntimeHints.CLASSES_LOOKED_UP).contains("reactor.netty.http.client.HttpClient");
		assertThat(this.reflection.onType(reactor.netty.http.client.HttpClient.class)).accepts(this.hints);
	}

	@Test
	void theFieldsOfThePoolMembersVarHandles() {
		assertThat(this.reflection.onFieldAccess(PoolMember.class, "unavailable")).accepts(this.hints);
		assertThat(this.reflection.onFieldAccess(PoolMember.class, "activeLeases")).accepts(this.hints);
	}

	@Test
	void theProxyServicesJson() throws NoSuchMethodException {
		assertThat(this.reflection.onMethodInvocation(ProxyResponse.class.getMethod("proxyUrl"))).accepts(this.hints);
		assertThat(this.reflection.onType(ProxyFeedback.class)).accepts(this.hints);
	}

	@Test
	void theFallbackPolicyOfAnAnswerReadAlone() throws Exception {
		Class<?> namedPolicy = ClassUtils.forName(ProxyPoolRuntimeHints.NAMED_POLICY, getClass().getClassLoader());
		assertThat(this.reflection.onMethodInvocation(namedPolicy.getDeclaredMethod("fallbackPolicy")))
			.accepts(this.hints);
	}

}
