package io.cryptofeed.proxy.autoconfigure;

import java.util.function.BooleanSupplier;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Says at startup when the clients Boot builds with one of its client builders cannot go
 * through the pools: only Reactor Netty's request factory and connector let each connection
 * take its own proxy, and a property, or another HTTP client library on the classpath, can
 * have Boot pick another. A builder bean of the application's own is named too, whatever it
 * builds: Boot takes it as it is, without the customizers, so the pools never reach it.
 * Without this line their requests would go direct unnoticed.
 */
final class UnpooledClientsWarning implements SmartInitializingSingleton {

	private static final Log log = LogFactory.getLog(UnpooledClientsWarning.class);

	private final ListableBeanFactory beans;

	private final Class<?> builderType;

	private final Class<?> pooledBuilder;

	private final BooleanSupplier customizedByBoot;

	private final String requests;

	private final String builds;

	private final String setting;

	private final String customizer;

	/**
	 * @param builderType the type of Boot's builder of the clients' request factory or connector
	 * @param pooledBuilder the builder's type that the pools customize
	 * @param customizedByBoot whether Boot (or the starter, as Boot does) customized a builder
	 * of this type: one that nobody customized is the application's own
	 * @param requests whose requests, as the warning names them
	 * @param builds what Boot's builder builds, as the warning names it
	 * @param setting the property and value that choose Reactor Netty
	 * @param customizer the customizer that changes Boot's builder, as the warning names it
	 */
	UnpooledClientsWarning(ListableBeanFactory beans, Class<?> builderType, Class<?> pooledBuilder,
			BooleanSupplier customizedByBoot, String requests, String builds, String setting, String customizer) {
		this.beans = beans;
		this.builderType = builderType;
		this.pooledBuilder = pooledBuilder;
		this.customizedByBoot = customizedByBoot;
		this.requests = requests;
		this.builds = builds;
		this.setting = setting;
		this.customizer = customizer;
	}

	@Override
	public void afterSingletonsInstantiated() {
		// made first: Boot customizes its builder as it makes it
		Object chosen = this.beans.getBeanProvider(this.builderType).getIfUnique();
		if (chosen == null) {
			return;
		}
		boolean pooledType = this.pooledBuilder.isInstance(chosen);
		if (!this.customizedByBoot.getAsBoolean()) {
			log.warn("proxy pools: " + this.requests + " go direct, not through the pools: the "
					+ this.builderType.getSimpleName() + " bean '" + nameOf(chosen) + "' ("
					+ chosen.getClass().getSimpleName() + ") is the application's own, which Boot takes as it is, "
					+ "and the pools customize only Boot's"
					+ (pooledType ? " (unless it builds its clients with proxyPoolHttpClients.apply)" : "")
					+ "; remove it, and change Boot's with a " + this.customizer
					+ " bean or the spring.http.clients.* properties instead");
		}
		else if (!pooledType) {
			log.warn("proxy pools: " + this.requests + " go direct, not through the pools: Boot's " + this.builds
					+ " is " + chosen.getClass().getSimpleName() + "; set " + this.setting
					+ " to send them through the pools");
		}
	}

	private String nameOf(Object chosen) {
		return this.beans.getBeansOfType(this.builderType, false, false)
			.entrySet()
			.stream()
			.filter((bean) -> bean.getValue() == chosen)
			.map((bean) -> bean.getKey())
			.findFirst()
			.orElse("?");
	}

	/**
	 * Hears each builder that Boot customizes, as a customizer bean of every builder of a
	 * type: Boot hands it the builder it makes, but never one of the application's.
	 */
	abstract static class CustomizedByBoot implements BooleanSupplier {

		private volatile boolean customized;

		final <B> B customized(B builder) {
			this.customized = true;
			return builder;
		}

		@Override
		public final boolean getAsBoolean() {
			return this.customized;
		}

	}

}
