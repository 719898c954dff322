package io.cryptofeed.proxy.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;

/**
 * Says at startup when the clients Boot builds with one of its client builders cannot go
 * through the pools: only Reactor Netty's request factory and connector let each connection
 * take its own proxy, and a property, or another HTTP client library on the classpath, can
 * have Boot pick another. Without this line their requests would go direct unnoticed.
 */
final class UnpooledClientsWarning implements SmartInitializingSingleton {

	private static final Log log = LogFactory.getLog(UnpooledClientsWarning.class);

	private final ObjectProvider<?> builder;

	private final Class<?> pooledBuilder;

	private final String requests;

	private final String builds;

	private final String setting;

	/**
	 * @param builder Boot's builder of the clients' request factory or connector
	 * @param pooledBuilder the builder's type that the pools customize
	 * @param requests whose requests, as the warning names them
	 * @param builds what Boot's builder builds, as the warning names it
	 * @param setting the property and value that choose Reactor Netty
	 */
	UnpooledClientsWarning(ObjectProvider<?> builder, Class<?> pooledBuilder, String requests, String builds,
			String setting) {
		this.builder = builder;
		this.pooledBuilder = pooledBuilder;
		this.requests = requests;
		this.builds = builds;
		this.setting = setting;
	}

	@Override
	public void afterSingletonsInstantiated() {
		Object chosen = this.builder.getIfUnique();
		if (chosen != null && !this.pooledBuilder.isInstance(chosen)) {
			log.warn("proxy pools: " + this.requests + " go direct, not through the pools: Boot's " + this.builds
					+ " is " + chosen.getClass().getSimpleName() + "; set " + this.setting
					+ " to send them through the pools");
		}
	}

}
