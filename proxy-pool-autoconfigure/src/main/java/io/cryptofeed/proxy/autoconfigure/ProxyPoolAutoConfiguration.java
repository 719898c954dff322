package io.cryptofeed.proxy.autoconfigure;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.SelectionStrategyFactory;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.cryptofeed.proxy.netty.ProxySource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
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

	/** The proxy service's client's {@code ProxySource} bean. */
	private static final String SERVICE_SOURCE = "proxyServiceSource";

	/**
	 * A map of the proxy properties written empty in YAML ({@code metadata: {}}) binds as no
	 * entries, as an empty list does, instead of failing the start.
	 */
	@Bean
	public static ConfigurationPropertiesBindHandlerAdvisor proxyPropertiesEmptyMaps() {
		return EmptyMapsBindHandler::new;
	}

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
			ResourceLoader resourceLoader, Environment environment, ConfigurableListableBeanFactory beans) {
		warnOfIgnoredWeights(compiled.pools());
		ProxyPools pools = ProxyPools.of(compiled.pools(), compiled.hostPatterns(), compiled.directHosts(),
				strategies::create);
		boolean transport = ClassUtils.isPresent(REACTOR_NETTY_CLIENT, resourceLoader.getClassLoader());
		if (pools.pools().isEmpty()) {
			// a source the transport asks (the proxy service's client, or the application's) routes
			// the connections, not the pools
			String source = transport ? askedSource(beans) : null;
			logger.info((source == null) ? "proxy pools: none configured, every connection goes direct"
					: "proxy pools: none configured, so every connection asks "
							+ ((source.equals(SERVICE_SOURCE) && ProxyPoolSwitches.serviceClientOn(environment))
									? "the proxy service" : "the ProxySource bean '" + source + "'")
							+ ", with no embedded pool to fall back on");
		}
		else if (!transport) {
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
	public RateLimits proxyRateLimits(CompiledProxyConfiguration configuration) {
		return new RateLimits(configuration.rateLimits(), Clock.systemUTC());
	}

	/**
	 * Registers the rate limits with the pools, the application's too: limits that hear no
	 * reload never forget the members it removes, nor do the cooldown meters.
	 */
	@Bean
	PoolsListenerRegistration<RateLimits> proxyRateLimitsRegistration(ProxyPools pools,
			ObjectProvider<RateLimits> rateLimits) {
		return new PoolsListenerRegistration<>(pools, rateLimits);
	}

	/**
	 * The {@code ProxySource} bean the transport asks, as it picks it (the only one, else the
	 * one marked primary), read from the definitions without making any; {@code null} for none.
	 */
	private static String askedSource(ConfigurableListableBeanFactory beans) {
		String[] names = beans.getBeanNamesForType(ProxySource.class, true, false);
		if (names.length == 1) {
			return names[0];
		}
		List<String> primary = Arrays.stream(names)
			.filter((name) -> beans.containsBeanDefinition(name) && beans.getBeanDefinition(name).isPrimary())
			.toList();
		return (primary.size() == 1) ? primary.get(0) : null;
	}

	/** At start-up and at each reload: weights under a strategy that reads none would go unseen. */
	static void warnOfIgnoredWeights(List<PoolSpec> pools) {
		pools.stream().filter(ProxyPoolAutoConfiguration::ignoresItsWeights).forEach((spec) -> logger
			.warn("proxy pool: pool=" + spec.key() + " strategy=" + spec.strategy()
					+ " ignores the members' weights; use strategy: weighted"));
	}

	private static boolean ignoresItsWeights(PoolSpec spec) {
		String strategy = SelectionStrategies.canonicalName(spec.strategy());
		boolean builtInUnweighted = strategy.equals(SelectionStrategies.ROUND_ROBIN)
				|| strategy.equals(SelectionStrategies.RANDOM) || strategy.equals(SelectionStrategies.LEAST_CONNECTIONS);
		return builtInUnweighted && spec.members().stream().anyMatch((member) -> member.weight() != 1);
	}

}
