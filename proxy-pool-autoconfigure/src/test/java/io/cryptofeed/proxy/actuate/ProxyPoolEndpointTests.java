package io.cryptofeed.proxy.actuate;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.cryptofeed.proxy.actuate.ProxyPoolEndpoint.MemberAction;
import io.cryptofeed.proxy.actuate.ProxyPoolEndpoint.MemberDescriptor;
import io.cryptofeed.proxy.actuate.ProxyPoolEndpoint.PoolAction;
import io.cryptofeed.proxy.actuate.ProxyPoolEndpoint.PoolDescriptor;
import io.cryptofeed.proxy.breaker.BreakerSettings;
import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.Lease;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.ratelimit.LimitState;
import io.cryptofeed.proxy.core.ratelimit.RateLimitPolicies;
import io.cryptofeed.proxy.core.ratelimit.RateLimits;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.cryptofeed.proxy.health.HealthCheckSettings;
import io.cryptofeed.proxy.health.HealthChecker;
import io.cryptofeed.proxy.health.HealthListener;
import io.cryptofeed.proxy.health.probe.ProbeFailedException;
import io.cryptofeed.proxy.netty.ProxyTls;
import io.cryptofeed.proxy.testsupport.CapturedLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.tuple;

/** The endpoint's operations called directly, on real pools, breakers and a health checker. */
class ProxyPoolEndpointTests {

	private static final Instant NOW = Instant.parse("2026-11-22T10:15:30Z");

	private final ProxyPools pools = TestPools.of(Map.of("default/http",
			List.of("http://127.0.0.1:3128", "socks5://feed:" + TestPools.CANARY + "@127.0.0.2:1080",
					"socks5://other:" + TestPools.CANARY + "@127.0.0.2:1080"),
			"binance/websocket", List.of("http://127.0.0.4:3128")));

	private final ProxyPool http = this.pools.pools().get(PoolKey.ofDefault(ConnectionType.HTTP));

	private final MemberCircuitBreakers breakers = new MemberCircuitBreakers(
			MemberCircuitBreakers.registry(BreakerSettings.DEFAULTS), this.pools);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private HealthChecker checker;

	private final ProxyPoolEndpoint endpoint = new ProxyPoolEndpoint(this.pools, null, this.breakers, null,
			Duration.ofSeconds(1), null, null);

	@AfterEach
	void close() {
		this.breakers.close();
		if (this.checker != null) {
			this.checker.close();
		}
	}

	@Test
	void readsEveryPoolAndMember() {
		List<PoolDescriptor> pools = this.endpoint.pools().pools();
		assertThat(pools).extracting(PoolDescriptor::exchange, PoolDescriptor::type)
			.containsExactlyInAnyOrder(tuple("default", "http"),
					tuple("binance", "websocket"));
		PoolDescriptor http = this.endpoint.pool("default", "http");
		assertThat(http.strategy()).isEqualTo("round-robin");
		assertThat(http.panic()).isFalse();
		assertThat(http.available()).isEqualTo(3);
		assertThat(http.members()).extracting(MemberDescriptor::index, MemberDescriptor::id, MemberDescriptor::url)
			.containsExactly(tuple(0, "127.0.0.1:3128", "http://127.0.0.1:3128"),
					tuple(1, "127.0.0.2:1080#1", "socks5://***@127.0.0.2:1080"),
					tuple(2, "127.0.0.2:1080#2", "socks5://***@127.0.0.2:1080"));
		MemberDescriptor first = http.members().get(0);
		assertThat(first.enabled()).isTrue();
		assertThat(first.available()).isTrue();
		assertThat(first.healthy()).isTrue();
		assertThat(first.breaker()).isEqualTo("CLOSED");
		assertThat(first.openConnections()).as("no transport").isNull();
		assertThat(first.activeLeases()).as("round-robin counts no leases").isNull();
		assertThat(first.lastCheck()).as("not checked").isNull();
	}

	/** An id that moved to another proxy would drain the wrong one, and move its metric series. */
	@Test
	void anIdNamesTheSameProxyAcrossReloadsThatAddAndRemoveMembers() {
		String feed = "socks5://feed:" + TestPools.CANARY + "@127.0.0.2:1080";
		String other = "socks5://other:" + TestPools.CANARY + "@127.0.0.2:1080";
		String third = "socks5://third:" + TestPools.CANARY + "@127.0.0.2:1080";
		this.pools.reconcile(TestPools.specs(Map.of("default/http", List.of(feed, other, third), "binance/websocket",
				List.of("http://127.0.0.4:3128"))), Map.of(), SelectionStrategies.builtIn()::create);

		assertThat(this.endpoint.pool("default", "http").members())
			.extracting(MemberDescriptor::index, MemberDescriptor::id)
			.containsExactly(tuple(0, "127.0.0.2:1080#1"), tuple(1, "127.0.0.2:1080#2"), tuple(2, "127.0.0.2:1080#3"));
		assertThat(this.http.members()).extracting((member) -> member.endpoint().username())
			.containsExactly("feed", "other", "third");
		assertThat(this.endpoint.member("default", "http", "127.0.0.2:1080#0")).as("never reused").isNull();
	}

	@Test
	void eachMemberShowsItsCooldownsPerExchange() {
		RateLimits rateLimits = new RateLimits(RateLimitPolicies.DEFAULTS, Clock.fixed(NOW, ZoneOffset.UTC), () -> 0L);
		ProxyPoolEndpoint withLimits = new ProxyPoolEndpoint(this.pools, null, this.breakers, null,
				Duration.ofSeconds(1), null, rateLimits);
		rateLimits.forExchange("binance").responded(this.http, this.http.members().get(0), 429, "30");

		Map<String, LimitState> limits = withLimits.member("default", "http", "0").exchangeLimits();

		assertThat(limits).containsOnlyKeys("binance");
		assertThat(limits.get("binance").lastStatus()).isEqualTo(429);
		assertThat(limits.get("binance").cooldownRemaining()).isEqualTo(Duration.ofSeconds(30));
		assertThat(withLimits.member("default", "http", "1").exchangeLimits()).isEmpty();
		assertThat(this.endpoint.member("default", "http", "0").exchangeLimits()).as("without the transport").isNull();
	}

	/** The exchange still bans the address: the member a reload made for it anew shows the rest it took over. */
	@Test
	void aProxyConfiguredAgainShowsTheCooldownItsRemovedMemberHad() {
		RateLimits rateLimits = new RateLimits(RateLimitPolicies.DEFAULTS, Clock.fixed(NOW, ZoneOffset.UTC), () -> 0L);
		this.pools.addPoolsListener(rateLimits);
		ProxyPoolEndpoint withLimits = new ProxyPoolEndpoint(this.pools, null, this.breakers, null,
				Duration.ofSeconds(1), null, rateLimits);
		rateLimits.forExchange("binance").responded(this.http, this.http.members().get(0), 418, "600");
		String websocket = "http://127.0.0.4:3128";
		this.pools.reconcile(TestPools.specs(Map.of("default/http", List.of("http://127.0.0.5:3128"),
				"binance/websocket", List.of(websocket))), Map.of(), SelectionStrategies.builtIn()::create);
		this.pools.reconcile(TestPools.specs(Map.of("default/http", List.of("http://127.0.0.1:3128"),
				"binance/websocket", List.of(websocket))), Map.of(), SelectionStrategies.builtIn()::create);

		MemberDescriptor again = withLimits.member("default", "http", "127.0.0.1:3128");

		assertThat(again.exchangeLimits()).containsOnlyKeys("binance");
		assertThat(again.exchangeLimits().get("binance").cooldownRemaining()).isEqualTo(Duration.ofSeconds(600));
		assertThat(again.exchangeLimits().get("binance").lastStatus()).isEqualTo(418);
	}

	@Test
	void poolsAndMembersAreFoundByNameIdOrIndexAndUnknownOnesAreNotFound() {
		assertThat(this.endpoint.pool("BINANCE", "WebSocket")).isNotNull();
		assertThat(this.endpoint.pool("kraken", "http")).isNull();
		assertThat(this.endpoint.pool("default", "ftp")).isNull();
		assertThat(this.endpoint.member("default", "http", "127.0.0.1:3128").index()).isZero();
		assertThat(this.endpoint.member("default", "http", "127.0.0.2:1080#2").index()).isEqualTo(2);
		assertThat(this.endpoint.member("default", "http", "1").id()).isEqualTo("127.0.0.2:1080#1");
		assertThat(this.endpoint.member("default", "http", "127.0.0.2:1080")).as("ambiguous").isNull();
		assertThat(this.endpoint.member("default", "http", "3")).isNull();
		assertThat(this.endpoint.member("kraken", "http", "0")).isNull();
	}

	/**
	 * Exchange ids match ignoring case, '-' and '_', as requests name them: an operator who
	 * reads COINBASE_PRO in the application's code finds and drains pool coinbase-pro.
	 */
	@Test
	void aPoolIsFoundByAnySpellingOfItsExchangeId() {
		ProxyPools spelt = TestPools.of(Map.of("coinbase-pro/websocket", List.of("http://127.0.0.4:3128")));
		ProxyPoolEndpoint endpoint = new ProxyPoolEndpoint(spelt, null, null, null, Duration.ofSeconds(1), null, null);
		for (String named : List.of("coinbase-pro", "COINBASE_PRO", "coinbasepro", "Coinbase_Pro")) {
			assertThat(endpoint.pool(named, "websocket")).as(named)
				.isNotNull()
				.extracting(PoolDescriptor::exchange)
				.isEqualTo("coinbase-pro");
		}
		assertThat(endpoint.memberAction("COINBASE_PRO", "websocket", "0", MemberAction.DRAIN).drained()).isTrue();
		assertThat(endpoint.pool("coinbase", "websocket")).isNull();
	}

	/**
	 * Host names and addresses ignore case, and an IPv6 address has many spellings: a member
	 * named as configuration or an inventory writes it is that member, not "no member".
	 */
	@Test
	void aMemberIsFoundByItsHostInAnyCaseAndItsIpv6AddressInAnyForm() {
		ProxyPools pools = TestPools.of(Map.of("default/http",
				List.of("http://Proxy-EU.Example.COM:3128", "socks5://[0:0:0:0:0:0:0:1]:1080",
						"http://feed:" + TestPools.CANARY + "@GW.example.net:7777",
						"http://other:" + TestPools.CANARY + "@gw.example.net:7777")));
		ProxyPoolEndpoint endpoint = new ProxyPoolEndpoint(pools, null, null, null, Duration.ofSeconds(1), null,
				null);

		assertThat(endpoint.member("default", "http", "PROXY-EU.example.com:3128").id())
			.isEqualTo("proxy-eu.example.com:3128");
		assertThat(endpoint.member("default", "http", "[0:0:0:0:0:0:0:1]:1080").id()).isEqualTo("[::1]:1080");
		assertThat(endpoint.member("default", "http", "[::0:1]:1080").id()).isEqualTo("[::1]:1080");
		assertThat(endpoint.member("default", "http", "GW.Example.Net:7777#3").id()).isEqualTo("gw.example.net:7777#3");
		assertThat(endpoint.memberAction("default", "http", "Proxy-EU.Example.COM:3128", MemberAction.DRAIN).drained())
			.isTrue();

		// still no member: another port, an ambiguous address, or one named with credentials
		assertThat(endpoint.member("default", "http", "PROXY-EU.example.com:3129")).isNull();
		assertThat(endpoint.member("default", "http", "GW.example.net:7777")).isNull();
		assertThat(endpoint.member("default", "http", "x:y@PROXY-EU.example.com:3128")).isNull();
		assertThat(endpoint.member("default", "http", "proxy-eu.example.com")).isNull();
	}

	@Test
	void aDrainedMemberLeavesSelectionUntilUndrained() {
		MemberDescriptor drained = this.endpoint.memberAction("default", "http", "127.0.0.1:3128", MemberAction.DRAIN);
		assertThat(drained.drained()).isTrue();
		assertThat(drained.available()).isFalse();
		PoolMember member = this.http.members().get(0);
		assertThat(selectedMembers(30)).hasSize(2).doesNotContain(member);

		MemberDescriptor back = this.endpoint.memberAction("default", "http", "0", MemberAction.UNDRAIN);
		assertThat(back.drained()).isFalse();
		assertThat(back.available()).isTrue();
		assertThat(selectedMembers(30)).hasSize(3).contains(member);
	}

	@Test
	void aDrainedMemberStaysOutOfPanicMode() {
		ProxyPool binance = this.pools.pools().get(new PoolKey("binance", ConnectionType.WEBSOCKET));
		this.endpoint.memberAction("binance", "websocket", "0", MemberAction.DRAIN);
		PoolDescriptor pool = this.endpoint.pool("binance", "websocket");
		assertThat(pool.available()).isZero();
		assertThat(pool.panic()).isFalse();
		assertThat(binance.availableMembers()).isEmpty();
	}

	@Test
	void anOpenBreakerShows() {
		this.breakers.breakerOf(this.http.members().get(1)).transitionToOpenState();
		MemberDescriptor member = this.endpoint.member("default", "http", "1");
		assertThat(member.breaker()).isEqualTo("OPEN");
		assertThat(member.available()).isFalse();
		assertThat(member.healthy()).isTrue();
	}

	@Test
	void connectOutcomesShowAsSelectionsAndFailures() {
		PoolMember member = this.http.members().get(0);
		for (int i = 0; i < 3; i++) {
			Lease lease = this.http.select();
			if (lease.member() == member) {
				lease.connectFailed();
			}
			else {
				lease.connectSucceeded();
			}
		}
		MemberDescriptor descriptor = this.endpoint.member("default", "http", "0");
		assertThat(descriptor.selections()).isOne();
		assertThat(descriptor.failures()).isOne();
		assertThat(this.endpoint.pool("default", "http").members()).extracting(MemberDescriptor::selections)
			.containsOnly(1L);
	}

	@Test
	void checksRunOnDemandAndShowTheirResult() {
		ProxyPoolEndpoint endpoint = withChecker();
		MemberDescriptor member = endpoint.memberAction("default", "http", "127.0.0.2:1080#1", MemberAction.CHECK);
		assertThat(member.lastCheck()).isEqualTo(NOW);
		assertThat(member.consecutiveFailures()).isOne();
		assertThat(member.lastError()).contains("socks5://***@127.0.0.2:1080").doesNotContain(TestPools.CANARY);
		assertThat(member.latencyMillis()).as("no passed check yet").isNull();

		PoolDescriptor pool = endpoint.poolAction("default", "http", PoolAction.CHECK);
		assertThat(pool.members()).allSatisfy((m) -> assertThat(m.lastCheck()).isEqualTo(NOW));
		assertThat(pool.members().get(0).latencyMillis()).isEqualTo(7.0);
		assertThat(pool.members().get(1).consecutiveFailures()).isEqualTo(2);
		assertThat(pool.members().get(1).healthy()).isFalse();
	}

	@Test
	void aMemberNotCheckedYetShowsNoHealthFigures() {
		ProxyPoolEndpoint endpoint = withChecker();
		MemberDescriptor unchecked = endpoint.member("default", "http", "0");
		assertThat(unchecked.healthy()).isTrue();
		assertThat(unchecked).extracting(MemberDescriptor::lastCheck, MemberDescriptor::latencyMillis,
				MemberDescriptor::consecutiveFailures, MemberDescriptor::lastError)
			.containsOnlyNulls();
		MemberDescriptor checked = endpoint.memberAction("default", "http", "0", MemberAction.CHECK);
		assertThat(checked.consecutiveFailures()).isZero();
	}

	@Test
	void checksAreRefusedWhereHealthChecksAreOff() {
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> this.endpoint.memberAction("default", "http", "0", MemberAction.CHECK))
			.withMessageContaining("default/http is not health-checked");
		ProxyPoolEndpoint endpoint = withChecker();
		assertThatExceptionOfType(RejectedActionException.class)
			.isThrownBy(() -> endpoint.poolAction("binance", "websocket", PoolAction.CHECK))
			.withMessage("Pool binance/websocket is not health-checked")
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(400))
			.satisfies((ex) -> assertThat(ex.fix())
				.contains("cryptofeed.proxy.exchanges.binance.websocket.health-check.enabled=true"));
	}

	/**
	 * The operator line is the audit trail: a check the endpoint refused never ran. A refused
	 * pool check was logged as {@code action=check pool=demo-b/http} all the same (sample app,
	 * a pool whose checks a reload had turned off).
	 */
	@Test
	void onlyAnActionThatRanLeavesAnOperatorLine() {
		ProxyPoolEndpoint endpoint = withChecker();
		try (CapturedLog log = CapturedLog.of(ProxyPoolEndpoint.class)) {
			assertThatExceptionOfType(RejectedActionException.class)
				.isThrownBy(() -> endpoint.poolAction("binance", "websocket", PoolAction.CHECK));
			assertThatExceptionOfType(RejectedActionException.class)
				.isThrownBy(() -> endpoint.memberAction("binance", "websocket", "0", MemberAction.CHECK));
			endpoint.poolAction("default", "http", PoolAction.CHECK);

			assertThat(log.lines()).containsExactly("INFO proxy pool operator: action=check pool=default/http");
		}
	}

	@Test
	void aCheckOfADisabledMemberIsRefusedWithWhy() {
		ProxyPools pools = ProxyPools.of(List.of(new PoolSpec(this.http.key(), PoolSpec.Origin.POOL,
				List.of(MemberSpec.of(ProxyEndpoint.parse("http://127.0.0.1:3128")),
						new MemberSpec(ProxyEndpoint.parse("http://127.0.0.5:3128"), 1, false, Map.of())),
				"round-robin", Duration.ofSeconds(30))), Map.of(), SelectionStrategies.builtIn()::create);
		this.checker = new HealthChecker(pools, Map.of(this.http.key(), tcpChecks()),
				(s) -> (endpoint, timeout) -> Mono.just(Duration.ofMillis(7)), this.time,
				Clock.fixed(NOW, ZoneOffset.UTC), () -> 0.5, 64, HealthListener.NONE);
		ProxyPoolEndpointWebExtension web = new ProxyPoolEndpointWebExtension(
				new ProxyPoolEndpoint(pools, this.checker, null, null, Duration.ofSeconds(1), null, null));
		WebEndpointResponse<OperationResponseBody> answer = web.memberAction("default", "http", "127.0.0.5:3128",
				"check");
		assertThat(answer.getStatus()).isEqualTo(400);
		assertThat(answer.getBody()).isEqualTo(new ProxyPoolEndpointWebExtension.Rejection(400, "Bad Request",
				"Member 127.0.0.5:3128 of pool default/http is disabled: it is not health-checked",
				"set its enabled: true in configuration to have it selected and checked"));
	}

	@Test
	void writesToUnknownPoolsOrMembersAreNotFound() {
		assertThatExceptionOfType(RejectedActionException.class)
			.isThrownBy(() -> this.endpoint.memberAction("kraken", "http", "0", MemberAction.DRAIN))
			.withMessage("No proxy pool kraken/http")
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(404))
			.satisfies((ex) -> assertThat(ex.fix()).contains("an exchange id or default, then http or websocket",
					"the pools now: ", "default/http", "binance/websocket"));
		assertThatExceptionOfType(RejectedActionException.class)
			.isThrownBy(() -> this.endpoint.memberAction("default", "http", "127.0.0.9:1", MemberAction.DRAIN))
			.withMessage("Pool default/http has no member 127.0.0.9:1")
			.satisfies((ex) -> assertThat(ex.status()).isEqualTo(404))
			.satisfies((ex) -> assertThat(ex.fix()).isEqualTo("name a member by its id or its index (0 to 2); "
					+ "its members now: 127.0.0.1:3128, 127.0.0.2:1080#1, 127.0.0.2:1080#2"));
	}

	@Test
	void overHttpARefusalIsAnsweredWithItsStatusAndReasonAndASuccessWithTheState() {
		ProxyPoolEndpointWebExtension web = new ProxyPoolEndpointWebExtension(this.endpoint);
		WebEndpointResponse<OperationResponseBody> unknown = web.memberAction("default", "http", "0", "Explode");
		assertThat(unknown.getStatus()).isEqualTo(400);
		assertThat(unknown.getBody()).isEqualTo(new ProxyPoolEndpointWebExtension.Rejection(400, "Bad Request",
				"Unknown action 'Explode' for a member",
				"send {\"action\":\"drain\"}, {\"action\":\"undrain\"} or {\"action\":\"check\"}"));
		assertThat(web.poolAction("default", "http", null).getBody()).extracting("message")
			.isEqualTo("No action given for a pool");
		assertThat(web.memberAction("kraken", "http", "0", "drain").getStatus()).isEqualTo(404);

		WebEndpointResponse<OperationResponseBody> drained = web.memberAction("default", "http", "1", " DRAIN ");
		assertThat(drained.getStatus()).isEqualTo(200);
		assertThat(drained.getBody()).isInstanceOfSatisfying(MemberDescriptor.class,
				(member) -> assertThat(member.drained()).isTrue());
	}

	@Test
	void theJsonHoldsNoCredential() {
		this.endpoint.memberAction("default", "http", "1", MemberAction.DRAIN);
		String json = new JsonMapper().writeValueAsString(withChecker().pools());
		assertThat(json).contains("\"url\":\"socks5://***@127.0.0.2:1080\"")
			.doesNotContain(TestPools.CANARY)
			.doesNotContain("feed")
			.doesNotContain("other:");
	}

	private static HealthCheckSettings tcpChecks() {
		return new HealthCheckSettings(HealthCheckSettings.Method.TCP, Duration.ofHours(1), Duration.ofSeconds(1), 1, 2,
				2, 0.0, null, (status) -> true, ProxyTls.systemDefault());
	}

	private ProxyPoolEndpoint withChecker() {
		this.checker = new HealthChecker(this.pools, Map.of(this.http.key(), tcpChecks()),
				(s) -> (endpoint, timeout) -> endpoint.hasCredentials() && endpoint.username().equals("feed")
						? Mono.error(new ProbeFailedException(endpoint + " rejected the credentials of "
								+ "socks5://feed:" + TestPools.CANARY + "@127.0.0.2:1080", null))
						: Mono.just(Duration.ofMillis(7)),
				this.time, Clock.fixed(NOW, ZoneOffset.UTC), () -> 0.5, 64, HealthListener.NONE);
		return new ProxyPoolEndpoint(this.pools, this.checker, this.breakers, null, Duration.ofSeconds(1), null, null);
	}

	private Set<PoolMember> selectedMembers(int times) {
		Set<PoolMember> selected = new HashSet<>();
		for (int i = 0; i < times; i++) {
			selected.add(this.http.select().member());
		}
		return selected;
	}

}
