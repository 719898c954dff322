package io.cryptofeed.proxy.autoconfigure;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.ReactorClientHttpRequestFactoryBuilder;

/**
 * Says at startup when Boot's blocking clients ({@code RestClient}, {@code RestTemplate})
 * cannot go through the pools: only Reactor Netty's request factory lets each connection
 * take its own proxy, and Boot picks Apache HttpClient, Jetty or the JDK's client first when
 * they are on the classpath. Without this line their requests would go direct unnoticed.
 */
final class UnpooledRequestFactoryWarning implements SmartInitializingSingleton {

	private static final Log log = LogFactory.getLog(UnpooledRequestFactoryWarning.class);

	private final ObjectProvider<ClientHttpRequestFactoryBuilder<?>> builder;

	UnpooledRequestFactoryWarning(ObjectProvider<ClientHttpRequestFactoryBuilder<?>> builder) {
		this.builder = builder;
	}

	@Override
	public void afterSingletonsInstantiated() {
		ClientHttpRequestFactoryBuilder<?> chosen = this.builder.getIfUnique();
		if (chosen != null && !(chosen instanceof ReactorClientHttpRequestFactoryBuilder)) {
			log.warn("proxy pools: RestClient and RestTemplate requests go direct, not through the pools: Boot's "
					+ "request factory is " + chosen.getClass().getSimpleName()
					+ "; set spring.http.clients.imperative.factory=reactor to send them through the pools");
		}
	}

}
