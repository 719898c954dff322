package io.cryptofeed.proxy.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ProxyPoolsTests {

	private static final SelectionStrategies strategies = SelectionStrategies.builtIn();

	private final ProxyPools pools = ProxyPools.of(
			List.of(spec("default", ConnectionType.HTTP, 0), spec("binance", ConnectionType.HTTP, 1),
					spec("binance", ConnectionType.WEBSOCKET, 2), spec("kraken", ConnectionType.WEBSOCKET, 3)),
			Map.of("binance", List.of("*.binance.com", "binance.com"), "bybit", List.of("api.bybit.com")),
			strategies::create);

	/** Pools built in code meet the rule the properties meet: a '/' would put the pool out of the endpoint's reach. */
	@Test
	void anExchangeIdWithACharacterAnIdMayNotHaveIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProxyPools.of(List.of(spec("binance/us", ConnectionType.HTTP, 0)), Map.of(),
					strategies::create))
			.withMessage("exchange id 'binance/us' holds '/': name the exchange with letters, digits, '-', '_' and '.'"
					+ " only");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProxyPools.of(List.of(), Map.of("binance us", List.of("api.binance.us")),
					strategies::create))
			.withMessageStartingWith("exchange id 'binance us' holds ' '");
		assertThat(ProxyPools.of(List.of(spec("binance.us", ConnectionType.HTTP, 0)), Map.of(), strategies::create)
			.resolve("binance.us", ConnectionType.HTTP)).isPresent();
	}

	@Test
	void anExchangesOwnPoolWins() {
		assertThat(memberOf(this.pools.resolve("binance", ConnectionType.HTTP).orElseThrow())).isEqualTo(1);
		assertThat(memberOf(this.pools.resolve("binance", ConnectionType.WEBSOCKET).orElseThrow())).isEqualTo(2);
	}

	@Test
	void exchangeIdsAreCaseInsensitive() {
		assertThat(this.pools.resolve("BiNaNcE", ConnectionType.WEBSOCKET)).containsSame(
				this.pools.resolve("binance", ConnectionType.WEBSOCKET).orElseThrow());
	}

	/**
	 * Ids match ignoring case, '-' and '_' (ExchangeIds): an enum constant's name finds the
	 * exchange configured with a dash, and the route tells the id as configured, also for an
	 * exchange with host patterns only, whose connections take the default pool.
	 */
	@Test
	void anIdSpeltWithUnderscoresOrWithoutDashesFindsTheExchangeAndItsConfiguredId() {
		ProxyPools spelt = ProxyPools.of(
				List.of(spec("default", ConnectionType.HTTP, 0), spec("coinbase-pro", ConnectionType.HTTP, 1)),
				Map.of("coinbase-pro", List.of(), "gate_io", List.of("*.gate.io")), strategies::create);
		for (String named : List.of("COINBASE_PRO", "CoinbasePro", "coinbasepro", "coinbase_pro", "Coinbase-Pro")) {
			ProxyPools.Route route = spelt.route(named, ConnectionType.HTTP);
			assertThat(route.exchange()).as(named).isEqualTo("coinbase-pro");
			assertThat(memberOf(route.pool().orElseThrow())).as(named).isEqualTo(1);
			assertThat(spelt.exchangeId(named)).as(named).isEqualTo("coinbase-pro");
		}
		ProxyPools.Route gate = spelt.route("GATE-IO", ConnectionType.HTTP);
		assertThat(gate.exchange()).isEqualTo("gate_io");
		assertThat(memberOf(gate.pool().orElseThrow())).isZero();
		ProxyPools.Route unknown = spelt.route("COINBASE", ConnectionType.HTTP);
		assertThat(unknown.exchange()).as("no settings of its own: the default's route").isNull();
		assertThat(unknown.exchangeOr("COINBASE")).isEqualTo("COINBASE");
		assertThat(spelt.exchangeId("COINBASE")).isEqualTo("coinbase");
		assertThat(spelt.exchangeId("DEFAULT")).isEqualTo(PoolKey.DEFAULT);
	}

	/** Compiled configuration never gets here (start-up names both blocks): one id per exchange. */
	@Test
	void twoIdsThatNameOneExchangeAreRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> ProxyPools.of(List.of(spec("coinbase-pro", ConnectionType.HTTP, 1)),
					Map.of("coinbasepro", List.of()), strategies::create))
			.withMessageContaining("'coinbasepro' and 'coinbase-pro' name one exchange");
	}

	@Test
	void anExchangeWithoutAPoolForTheTypeUsesTheDefault() {
		assertThat(memberOf(this.pools.resolve("kraken", ConnectionType.HTTP).orElseThrow())).isZero();
		assertThat(memberOf(this.pools.resolve("unknown", ConnectionType.HTTP).orElseThrow())).isZero();
		assertThat(memberOf(this.pools.resolve(null, ConnectionType.HTTP).orElseThrow())).isZero();
	}

	@Test
	void noPoolAtAnyLevelMeansDirect() {
		assertThat(this.pools.resolve("bybit", ConnectionType.WEBSOCKET)).isEmpty();
		assertThat(this.pools.resolve(null, ConnectionType.WEBSOCKET)).isEmpty();
		assertThat(memberOf(this.pools.resolve("kraken", ConnectionType.WEBSOCKET).orElseThrow())).isEqualTo(3);
	}

	@Test
	void hostPatternsMapHostsToExchanges() {
		assertThat(this.pools.exchangeForHost("api.binance.com")).contains("binance");
		assertThat(this.pools.exchangeForHost("stream.BINANCE.com.")).contains("binance");
		assertThat(this.pools.exchangeForHost("binance.com")).contains("binance");
		assertThat(this.pools.exchangeForHost("notbinance.com")).isEmpty();
		assertThat(this.pools.exchangeForHost("api.bybit.com")).contains("bybit");
		assertThat(this.pools.exchangeForHost("stream.bybit.com")).isEmpty();
		assertThat(memberOf(this.pools.resolveForHost("fapi.binance.com", ConnectionType.HTTP).orElseThrow()))
			.isEqualTo(1);
		assertThat(memberOf(this.pools.resolveForHost("example.org", ConnectionType.HTTP).orElseThrow())).isZero();
	}

	@Test
	void theMostSpecificWildcardWins() {
		HostPatterns patterns = new HostPatterns(Map.of("a", List.of("*.example.com"), "b",
				List.of("*.eu.example.com")), List.of());
		assertThat(patterns.exchangeFor("x.eu.example.com")).contains("b");
		assertThat(patterns.exchangeFor("x.us.example.com")).contains("a");
	}

	@Test
	void answersStayRightWhenRememberedAndPastTheBoundOfRememberedHosts() {
		HostPatterns patterns = new HostPatterns(Map.of("a", List.of("*.example.com"), "b", List.of("b.org")),
				List.of());
		for (int round = 0; round < 2; round++) {
			for (int i = 0; i < HostPatterns.MAX_REMEMBERED_HOSTS + 10; i++) {
				assertThat(patterns.exchangeFor("h" + i + ".example.com")).contains("a");
				assertThat(patterns.exchangeFor("h" + i + ".example.net")).isEmpty();
			}
			assertThat(patterns.exchangeFor("B.ORG.")).contains("b");
		}
	}

	/**
	 * An internationalized name matches whether the pattern or the request writes it in
	 * Unicode or in its ASCII form, the form DNS and the proxies know it by.
	 */
	@Test
	void anInternationalizedHostMatchesWrittenEitherWay() {
		HostPatterns patterns = new HostPatterns(Map.of("a", List.of("bücher.example"), "b",
				List.of("*.xn--mnchen-3ya.example")), List.of("*.bäckerei.internal"));
		assertThat(patterns.exchangeFor("bücher.example")).contains("a");
		assertThat(patterns.exchangeFor("xn--bcher-kva.example")).contains("a");
		assertThat(patterns.exchangeFor("BÜCHER.example.")).contains("a");
		assertThat(patterns.exchangeFor("api.münchen.example")).contains("b");
		assertThat(patterns.exchangeFor("api.XN--MNCHEN-3YA.example")).contains("b");
		assertThat(patterns.isDirect("risk.xn--bckerei-5wa.internal")).isTrue();
		assertThat(patterns.isDirect("risk.bäckerei.internal")).isTrue();
		assertThat(patterns.exchangeFor("buecher.example")).isEmpty();
	}

	@Test
	void anInternationalizedPatternClaimedTwiceWrittenBothWaysIsRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> new HostPatterns(
				Map.of("a", List.of("bücher.example"), "b", List.of("xn--bcher-kva.example")), List.of()));
	}

	@Test
	void aPatternClaimedByTwoExchangesIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new HostPatterns(Map.of("a", List.of("*.x.com"), "b", List.of("*.X.com")), List.of()));
	}

	@Test
	void aDirectHostHasNoPoolThoughTheDefaultHasOne() {
		ProxyPools withDirect = ProxyPools.of(
				List.of(spec("default", ConnectionType.HTTP, 0), spec("binance", ConnectionType.HTTP, 1)),
				Map.of("binance", List.of("*.binance.com")), List.of("*.internal", "10.0.0.0/8", "risk.example.org"),
				strategies::create);
		for (String host : List.of("oms.internal", "10.1.2.3", "risk.example.org")) {
			assertThat(withDirect.isDirectHost(host)).as(host).isTrue();
			assertThat(withDirect.resolveForHost(host, ConnectionType.HTTP)).as(host).isEmpty();
			assertThat(withDirect.exchangeForHost(host)).as(host).isEmpty();
		}
		assertThat(memberOf(withDirect.resolveForHost("example.org", ConnectionType.HTTP).orElseThrow())).isZero();
		assertThat(memberOf(withDirect.resolveForHost("11.1.2.3", ConnectionType.HTTP).orElseThrow())).isZero();
		assertThat(memberOf(withDirect.resolveForHost("api.binance.com", ConnectionType.HTTP).orElseThrow()))
			.isEqualTo(1);
		assertThat(withDirect.isDirectHost("internal")).as("a wildcard does not match its own domain").isFalse();
		assertThat(withDirect.directHosts()).containsExactly("*.internal", "10.0.0.0/8", "risk.example.org");
		assertThat(this.pools.directHosts()).isEmpty();
	}

	@Test
	void theMostSpecificPatternWinsBetweenAnExchangeAndTheDirectHosts() {
		HostPatterns patterns = new HostPatterns(
				Map.of("a", List.of("api.example.com", "*.eu.example.com", "10.0.0.7")),
				List.of("*.example.com", "gw.eu.example.com", "10.0.0.0/8"));
		assertThat(patterns.exchangeFor("api.example.com")).as("an exact host beats a wildcard").contains("a");
		assertThat(patterns.isDirect("api.example.com")).isFalse();
		assertThat(patterns.isDirect("gw.eu.example.com")).as("an exact host beats a wildcard").isTrue();
		assertThat(patterns.exchangeFor("x.eu.example.com")).as("the longest wildcard wins").contains("a");
		assertThat(patterns.isDirect("x.us.example.com")).isTrue();
		assertThat(patterns.exchangeFor("10.0.0.7")).as("an exact address beats a range").contains("a");
		assertThat(patterns.isDirect("10.0.0.8")).isTrue();
	}

	/**
	 * A host written as an IPv4-mapped IPv6 address is the IPv4 address the JDK connects to:
	 * an exact address pattern claims it as an address range does, so that the spelling of a
	 * target does not move it off its exchange's pool, or off the direct route.
	 */
	@Test
	void anIpv4MappedHostMatchesTheExactAddressItConnectsTo() {
		HostPatterns patterns = new HostPatterns(Map.of("a", List.of("10.0.0.7")), List.of("192.168.1.5"));
		assertThat(patterns.exchangeFor("[::ffff:10.0.0.7]")).contains("a");
		assertThat(patterns.exchangeFor("[0:0:0:0:0:FFFF:0a00:0007]")).contains("a");
		assertThat(patterns.isDirect("[::ffff:192.168.1.5]")).isTrue();
		assertThat(patterns.exchangeFor("[::ffff:10.0.0.8]")).isEmpty();
		assertThat(patterns.exchangeFor("[::10.0.0.7]")).as("not IPv4-mapped").isEmpty();
		assertThat(patterns.exchangeFor("[::ffff:10.0.0.7%eth0]")).as("a zone: not the IPv4 address").isEmpty();
	}

	@Test
	void aPatternClaimedByAnExchangeAndTheDirectHostsIsRejected() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new HostPatterns(Map.of("a", List.of("*.x.com")), List.of("*.X.com")))
			.withMessage("host pattern '*.X.com' belongs to both exchange 'a' and the direct hosts");
	}

	@Test
	void describeShowsPoolsWithoutCredentials() {
		ProxyPools withSecret = ProxyPools.of(List.of(new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP),
				PoolSpec.Origin.URL, List.of(MemberSpec.of(ProxyEndpoint.parse("socks5://u:canary@10.0.0.5:1080"))),
				"round-robin", Duration.ofSeconds(30))), Map.of(), strategies::create);
		assertThat(withSecret.describe()).containsExactly("pool=default/http single=socks5://***@10.0.0.5:1080");
	}

	@Test
	void describeShowsAPoolsStrategyAndMembersAsKeyValues() {
		List<MemberSpec> members = List.of(MemberSpec.of(ProxyEndpoint.parse("http://10.0.1.1:3128")),
				new MemberSpec(ProxyEndpoint.parse("http://u:canary@10.0.1.2:3128"), 3, true, Map.of()),
				new MemberSpec(ProxyEndpoint.parse("http://10.0.1.3:3128"), 1, false, Map.of()));
		ProxyPools pools = ProxyPools.of(List.of(new PoolSpec(new PoolKey("binance", ConnectionType.HTTP),
				PoolSpec.Origin.POOL, members, "weighted", Duration.ofSeconds(30))), Map.of(), strategies::create);
		assertThat(pools.describe()).containsExactly("pool=binance/http strategy=weighted members=[http://10.0.1.1:3128, "
				+ "http://***@10.0.1.2:3128 weight=3, http://10.0.1.3:3128 disabled]");
	}

	@Test
	void describeNamesMembersBehindOneAddressAsTheOtherLogLinesDo() {
		List<MemberSpec> members = List.of(MemberSpec.of(ProxyEndpoint.parse("socks5://de:canary@10.0.0.5:1080")),
				MemberSpec.of(ProxyEndpoint.parse("socks5://fr:canary@10.0.0.5:1080")),
				MemberSpec.of(ProxyEndpoint.parse("socks5://de:canary@10.0.0.6:1080")));
		ProxyPools pools = ProxyPools.of(List.of(new PoolSpec(new PoolKey("kraken", ConnectionType.WEBSOCKET),
				PoolSpec.Origin.POOL, members, "round-robin", Duration.ofSeconds(30))), Map.of(), strategies::create);
		assertThat(pools.describe()).containsExactly("pool=kraken/websocket strategy=round-robin members=["
				+ "socks5://***@10.0.0.5:1080#0, socks5://***@10.0.0.5:1080#1, socks5://***@10.0.0.6:1080]");
	}

	private static PoolSpec spec(String settings, ConnectionType type, int member) {
		return new PoolSpec(new PoolKey(settings, type), PoolSpec.Origin.POOL,
				List.of(MemberSpec.of(Members.endpoint(member))), "round-robin", Duration.ofSeconds(30));
	}

	private static int memberOf(ProxyPool pool) {
		for (int i = 0; i < 10; i++) {
			if (pool.members().get(0).endpoint().equals(Members.endpoint(i))) {
				return i;
			}
		}
		throw new AssertionError("unexpected pool " + pool);
	}

}
