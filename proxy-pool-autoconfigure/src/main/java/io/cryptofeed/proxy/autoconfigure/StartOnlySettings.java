package io.cryptofeed.proxy.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

import org.springframework.beans.BeanUtils;
import org.springframework.beans.BeanWrapper;
import org.springframework.beans.PropertyAccessorFactory;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DataObjectPropertyName;
import org.springframework.boot.web.context.reactive.ConfigurableReactiveWebEnvironment;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

/**
 * The settings under {@code cryptofeed.proxy} that a reload cannot apply, because the starter
 * reads them once, at start: the switches Boot's conditions read, and the external service's
 * client and server settings, compiled into their beans then. A reload checks them as the
 * next start would, so that it rejects what that start would refuse, and names the ones that
 * differ from the start, so that the operator learns they wait for a restart.
 *
 * <p>What the application started with is bound here, from the environment at start-up:
 * Spring Cloud's refresh rebinds the properties beans in place, rejected values included.
 */
final class StartOnlySettings {

	private static final String CLIENT = ExternalServiceProperties.PREFIX;

	private static final String SERVER = ServiceServerProperties.PREFIX;

	/** What the client's auto-configuration needs on the class path: its {@code @ConditionalOnClass}. */
	static final List<String> CLIENT_CLASSES = List.of("reactor.netty.http.client.HttpClient",
			"org.springframework.web.reactive.function.client.WebClient",
			"com.fasterxml.jackson.annotation.JsonProperty");

	/**
	 * What the server's auto-configuration needs on the class path, in a reactive web
	 * application: its {@code @ConditionalOnClass}.
	 */
	static final List<String> SERVER_CLASSES = List.of(
			"org.springframework.web.reactive.function.server.RouterFunction",
			"com.fasterxml.jackson.annotation.JsonProperty");

	/** The switches that are on unless set: the breakers'; the others are off unless set. */
	private static final Set<String> ON_BY_DEFAULT = Set.of(ProxyProperties.PREFIX + ".circuit-breaker.enabled",
			CLIENT + ".circuit-breaker-enabled");

	private final Set<String> onAtStart;

	private final List<Block<?>> blocks;

	private StartOnlySettings(Set<String> onAtStart, List<Block<?>> blocks) {
		this.onAtStart = onAtStart;
		this.blocks = blocks;
	}

	/**
	 * Whether the service's server can run here, as its auto-configuration's conditions say: a
	 * reactive web application with {@link #SERVER_CLASSES} present. The one place that
	 * restates them, for the start-up warning and the reload's checks alike.
	 */
	static boolean serverCanRun(Environment environment, ClassLoader classes) {
		return environment instanceof ConfigurableReactiveWebEnvironment
				&& SERVER_CLASSES.stream().allMatch((name) -> ClassUtils.isPresent(name, classes));
	}

	/** The settings the environment holds now, as the ones the application runs on. */
	static StartOnlySettings boundAt(Environment environment, ResourceLoader resources) {
		ProxyServiceConfigurationCompiler compiler = new ProxyServiceConfigurationCompiler(resources);
		// as their auto-configurations' conditions say: elsewhere their settings mean nothing
		ClassLoader classes = resources.getClassLoader();
		boolean clientCanRun = CLIENT_CLASSES.stream().allMatch((name) -> ClassUtils.isPresent(name, classes));
		List<Block<?>> blocks = List.of(
				Block.at(environment, CLIENT, ExternalServiceProperties.class, clientCanRun,
						(properties, now) -> compiler.checkClient(properties,
								now.getProperty(ProxyServiceClientAutoConfiguration.APPLICATION_NAME))),
				Block.at(environment, SERVER, ServiceServerProperties.class, serverCanRun(environment, classes),
						(properties, now) -> compiler.checkServer(properties,
								ProxyServiceConfigurationCompiler.clientCertificatesRequired(now))));
		return new StartOnlySettings(on(environment), blocks);
	}

	/**
	 * Checks these settings in the environment now, as the next start would.
	 * @return the names of those that differ from the start's, without values (a token may
	 * be among them); empty when nothing changed
	 * @throws InvalidProxyConfigurationException listing every rule broken
	 * @throws BindException when a value cannot be read
	 */
	List<String> changes(Environment environment) {
		List<ConfigurationViolation> unreadable = ProxyPoolSwitches.unreadable(environment,
				ProxyPoolSwitches.PART_SWITCHES);
		if (!unreadable.isEmpty()) {
			throw new InvalidProxyConfigurationException(unreadable);
		}
		Set<String> changed = new TreeSet<>();
		Set<String> on = on(environment);
		ProxyPoolSwitches.PART_SWITCHES.stream()
			.filter((name) -> on.contains(name) != this.onAtStart.contains(name))
			.forEach(changed::add);
		List<ConfigurationViolation> violations = new ArrayList<>();
		for (Block<?> block : this.blocks) {
			try {
				changed.addAll(block.changes(environment));
			}
			catch (InvalidProxyConfigurationException ex) {
				violations.addAll(ex.violations());
			}
		}
		if (!violations.isEmpty()) {
			throw new InvalidProxyConfigurationException(violations);
		}
		return List.copyOf(changed);
	}

	/** The switches that are on, read as Boot's conditions read them: {@code true} in any case. */
	private static Set<String> on(Environment environment) {
		Set<String> on = new TreeSet<>();
		for (String name : ProxyPoolSwitches.PART_SWITCHES) {
			if (isOn(environment, name, ON_BY_DEFAULT.contains(name))) {
				on.add(name);
			}
		}
		return on;
	}

	private static boolean isOn(Environment environment, String name, boolean byDefault) {
		String value = environment.getProperty(name);
		return (value != null) ? ProxyPoolSwitches.isTrue(value) : byDefault;
	}

	/**
	 * Properties bound into a class of their own and compiled at start when their switch is on.
	 * @param canRun whether their auto-configuration can run in this application at all
	 * @param atStart what the application started with, or {@code null} when they were off
	 */
	private record Block<T>(String prefix, Class<T> type, boolean canRun, BiConsumer<T, Environment> validation,
			T atStart) {

		/** The block as the environment holds it at start; a block its start did not bind counts as off. */
		static <T> Block<T> at(Environment environment, String prefix, Class<T> type, boolean canRun,
				BiConsumer<T, Environment> validation) {
			T atStart;
			try {
				atStart = bindIfOn(environment, prefix, type, canRun);
			}
			catch (BindException ex) {
				atStart = null;
			}
			return new Block<>(prefix, type, canRun, validation, atStart);
		}

		/**
		 * Validates the properties when they are on now; names those that differ from the
		 * start's when they were on then too (turning them on or off is a switch's change).
		 */
		List<String> changes(Environment environment) {
			T now = bindIfOn(environment, this.prefix, this.type, this.canRun);
			if (now == null) {
				return List.of();
			}
			this.validation.accept(now, environment);
			return (this.atStart != null) ? differences(this.atStart, now) : List.of();
		}

		private static <T> T bindIfOn(Environment environment, String prefix, Class<T> type, boolean canRun) {
			if (!canRun || !isOn(environment, prefix + ".enabled", false)) {
				return null;
			}
			return Binder.get(environment)
				.bind(prefix, Bindable.ofInstance(BeanUtils.instantiateClass(type)),
						new EmptyMapsBindHandler(BindHandler.DEFAULT))
				.orElseGet(() -> BeanUtils.instantiateClass(type));
		}

		/** The full names of the properties whose values differ, in the dashed form they are written in. */
		private List<String> differences(T before, T after) {
			BeanWrapper old = PropertyAccessorFactory.forBeanPropertyAccess(before);
			BeanWrapper next = PropertyAccessorFactory.forBeanPropertyAccess(after);
			List<String> names = new ArrayList<>();
			for (PropertyDescriptor descriptor : old.getPropertyDescriptors()) {
				String name = descriptor.getName();
				if (descriptor.getReadMethod() != null && !name.equals("class")
						&& !Objects.equals(old.getPropertyValue(name), next.getPropertyValue(name))) {
					names.add(this.prefix + "." + DataObjectPropertyName.toDashedForm(name));
				}
			}
			return names;
		}

	}

}
