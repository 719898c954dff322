package io.cryptofeed.sample.activity;

import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.netty.ProxyPoolHttpClients;
import io.cryptofeed.sample.feed.FeedProperties;
import io.cryptofeed.sample.feed.MarketDataFeed;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The periodic summaries in the log. */
@Configuration(proxyBeanMethods = false)
class ActivityConfiguration {

	@Bean
	ConnectCounts connectCounts() {
		return new ConnectCounts();
	}

	@Bean
	ActivityLog activityLog(FeedProperties properties, MarketDataFeed feed, ObjectProvider<ProxyPools> pools,
			ObjectProvider<ProxyPoolHttpClients> clients, ConnectCounts connectCounts,
			ObjectProvider<MemberTraffic> traffic) {
		return new ActivityLog(properties.getSummaryInterval(), feed, pools.getIfAvailable(), clients.getIfAvailable(),
				connectCounts, traffic.getIfAvailable());
	}

}
