package io.cryptofeed.proxy.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.service.ProxyFeedback;
import io.cryptofeed.proxy.service.ProxyRequest;
import io.cryptofeed.proxy.service.ProxyResponse;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.boot.context.properties.bind.BindableRuntimeHintsRegistrar;
import org.springframework.util.ClassUtils;

/**
 * What the starter reads by reflection at run time, for a native image (the JVM needs none of
 * this). Spring Boot's own hints cover a properties class only while its part is on at build
 * time, and know nothing of the starter's other reflection.
 */
class ProxyPoolRuntimeHints implements RuntimeHintsRegistrar {

	/** The class names the starter looks up at run time (a lookup of an unregistered class fails in an image). */
	static final List<String> CLASSES_LOOKED_UP = classesLookedUp();

	/** The JSON of an answer's fallback policy read alone (package-private, so named here). */
	static final String NAMED_POLICY = "io.cryptofeed.proxy.service.NamedPolicy";

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		// UnknownProxyProperties reads the getters of all three, whichever parts are on, and
		// StartOnlySettings creates and compares the proxy service's two on a reload
		BindableRuntimeHintsRegistrar
			.forTypes(ProxyProperties.class, ExternalServiceProperties.class, ServiceServerProperties.class)
			.registerHints(hints, classLoader);
		// BoundValues compares the pools' properties field by field
		registerDeclaredFields(hints, ProxyProperties.class);
		CLASSES_LOOKED_UP.forEach((name) -> hints.reflection().registerTypeIfPresent(classLoader, name));
		// its VarHandles
		hints.reflection()
			.registerType(PoolMember.class, (type) -> type.withField("unavailable").withField("activeLeases"));
		// the proxy service's JSON, read and written by WebClient and a router function, which register nothing
		new BindingReflectionHintsRegistrar().registerReflectionHints(hints.reflection(), ProxyRequest.class,
				ProxyResponse.class, ProxyFeedback.class, ClassUtils.resolveClassName(NAMED_POLICY, classLoader));
	}

	private static void registerDeclaredFields(RuntimeHints hints, Class<?> type) {
		hints.reflection().registerType(type, MemberCategory.ACCESS_DECLARED_FIELDS);
		for (Class<?> nested : type.getDeclaredClasses()) {
			registerDeclaredFields(hints, nested);
		}
	}

	private static List<String> classesLookedUp() {
		List<String> names = new ArrayList<>();
		names.add(ProxyPoolAutoConfiguration.REACTOR_NETTY_CLIENT);
		names.add(UnpooledWebSocketClientWarning.SERVLET_CLIENT);
		names.addAll(StartOnlySettings.CLIENT_CLASSES);
		names.addAll(StartOnlySettings.SERVER_CLASSES);
		return List.copyOf(names);
	}

}
