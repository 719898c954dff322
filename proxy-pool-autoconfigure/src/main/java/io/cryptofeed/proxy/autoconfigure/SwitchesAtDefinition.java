package io.cryptofeed.proxy.autoconfigure;

import java.util.Map;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.context.EnvironmentAware;
import org.springframework.context.annotation.ImportBeanDefinitionRegistrar;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotationMetadata;

/**
 * The starter's switches as they were when its beans were defined. That is the start on the
 * JVM, but the build when the application was processed ahead of time (Spring AOT): then the
 * conditions that read the switches ran at build time, and the values are kept in the
 * generated bean definition of this class, so the start can tell when the switches it runs
 * with say otherwise (see {@link ProxyPoolSwitches#changedSinceDefinition}).
 *
 * @param values each switch that was set, by name, as written
 */
record SwitchesAtDefinition(Map<String, String> values) {

	static final String BEAN_NAME = "proxyPoolSwitchesAtDefinition";

	/** Defines the bean with the values now: an AOT build keeps them in its generated code. */
	static class Registrar implements ImportBeanDefinitionRegistrar, EnvironmentAware {

		private Environment environment;

		@Override
		public void setEnvironment(Environment environment) {
			this.environment = environment;
		}

		@Override
		public void registerBeanDefinitions(AnnotationMetadata metadata, BeanDefinitionRegistry registry) {
			RootBeanDefinition definition = new RootBeanDefinition(SwitchesAtDefinition.class);
			// a constructor argument rather than a supplier: AOT writes its value into the generated code
			definition.getConstructorArgumentValues()
				.addIndexedArgumentValue(0, ProxyPoolSwitches.values(this.environment));
			definition.setRole(BeanDefinition.ROLE_INFRASTRUCTURE);
			registry.registerBeanDefinition(BEAN_NAME, definition);
		}

	}

}
