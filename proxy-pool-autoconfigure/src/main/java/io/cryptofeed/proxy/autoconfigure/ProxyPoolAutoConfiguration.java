package io.cryptofeed.proxy.autoconfigure;

import java.time.Clock;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.SelectionStrategyFactory;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

/**
 * Proxy pools from {@code cryptofeed.proxy.*}. Nothing is created unless
 * {@code cryptofeed.proxy.enabled=true}; every bean can be replaced by declaring your own.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(prefix = ProxyProperties.PREFIX, name = "enabled")
@EnableConfigurationProperties(ProxyProperties.class)
public class ProxyPoolAutoConfiguration {

	private static final Log logger = LogFactory.getLog(ProxyPoolAutoConfiguration.class);

	/** What every pooled client is built on. */
	static final String REACTOR_NETTY_CLIENT = "reactor.netty.http.client.HttpClient";

	/** The built-in strategies plus every {@link SelectionStrategyFactory} bean. */
	@Bean
	@ConditionalOnMissingBean
	public SelectionStrategies proxySelectionStrategies(ObjectProvider<SelectionStrategyFactory> factories) {
		return SelectionStrategies.withAdditional(factories.orderedStream().toList());
	}

	@Bean
	@ConditionalOnMissingBean
	public ProxyConfigurationCompiler proxyConfigurationCompiler(SelectionStrategies strategies,
			ObjectProvider<SslBundles> sslBundles) {
		return new ProxyConfigurationCompiler(strategies, sslBundles.getIfAvailable());
	}

	/** The validated configuration: start-up fails here, naming each bad property. */
	@Bean
	@ConditionalOnMissingBean
	public CompiledProxyConfiguration compiledProxyConfiguration(ProxyProperties properties,
			ProxyConfigurationCompiler compiler, Environment environment) {
		UnknownProxyProperties unknown = UnknownProxyProperties.in(environment);
		unknown.environmentVariables().forEach((variable) -> logger.warn("proxy config: " + variable));
		return compiler.compile(properties, unknown.written());
	}

	@Bean
	@ConditionalOnMissingBean
	public ProxyPools proxyPools(CompiledProxyConfiguration compiled, SelectionStrategies strategies,
			ResourceLoader resourceLoader, Environment environment) {
		compiled.pools().stream().filter(ProxyPoolAutoConfiguration::ignoresItsWeights).forEach((spec) -> logger
			.warn("proxy pool: pool=" + spec.key() + " strategy=" + spec.strategy()
					+ " ignores the members' weights; use strategy: weighted"));
		ProxyPools pools = ProxyPools.of(compiled.pools(), compiled.hostPatterns(), compiled.directHosts(),
				strategies::create);
		if (pools.pools().isEmpty()) {
			// with the proxy service's client on, its answers route the connections, not the pools
			logger.info(ProxyPoolSwitches.serviceClientOn(environment)
					? "proxy pools: none configured, so every connection asks the proxy service, with no embedded "
							+ "pool to fall back on"
					: "proxy pools: none configured, every connection goes direct");
		}
		else if (!ClassUtils.isPresent(REACTOR_NETTY_CLIENT, resourceLoader.getClassLoader())) {
			logger.warn("proxy pools: Reactor Netty is not on the classpath, so no client goes through the pools "
					+ "and every connection goes direct; add io.projectreactor.netty:reactor-netty-http (the starter "
					+ "brings it: keep it when you exclude dependencies)");
		}
		pools.describe().forEach((line) -> logger.info("proxy pool: " + line));
		if (!pools.directHosts().isEmpty()) {
			logger.info("proxy pools: direct hosts=" + pools.directHosts());
		}
		return pools;
	}

	/**
	 * Cooldowns and budgets per member and exchange, which the transport's selection respects,
	 * and the service server's answers too (with the transport excluded, no local connection
	 * puts a member to rest, and the budgets count the answers).
	 */
	@Bean
	@ConditionalOnMissingBean
	public RateLimits proxyRateLimits(CompiledProxyConfiguration configuration, ProxyPools pools) {
		RateLimits rateLimits = new RateLimits(configuration.rateLimits(), Clock.systemUTC());
		pools.addPoolsListener(rateLimits);
		return rateLimits;
	}

	private static boolean ignoresItsWeights(PoolSpec spec) {
		String strategy = SelectionStrategies.canonicalName(spec.strategy());
		boolean builtInUnweighted = strategy.equals(SelectionStrategies.ROUND_ROBIN)
				|| strategy.equals(SelectionStrategies.RANDOM) || strategy.equals(SelectionStrategies.LEAST_CONNECTIONS);
		return builtInUnweighted && spec.members().stream().anyMatch((member) -> member.weight() != 1);
	}

}
