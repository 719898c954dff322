package io.cryptofeed.proxy.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.cryptofeed.proxy.core.ProxyPools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.io.ByteArrayResource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Every rule that makes start-up fail, with the property it must name. */
@ExtendWith(OutputCaptureExtension.class)
class ProxyConfigurationValidationTests {

	private static final String HTTP = "cryptofeed.proxy.default.http";

	private static final String LIMIT = "cryptofeed.proxy.default.rate-limit";

	private static final String WS_BUDGET = "cryptofeed.proxy.default.websocket.budget";

	private static final String SERVICE = "cryptofeed.proxy.external-service";

	private static final String SERVICE_ON = SERVICE + ".enabled=true";

	private static final String ENDPOINT = SERVICE + ".endpoints=https://proxy-service.test:8443";

	// reactive web, so that the proxy service's server side can be checked too
	private final ReactiveWebApplicationContextRunner runner = new ReactiveWebApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ProxyPoolAutoConfiguration.class,
				ProxyServiceClientAutoConfiguration.class, ProxyServiceServerAutoConfiguration.class))
		.withPropertyValues("cryptofeed.proxy.enabled=true");

	static Stream<Arguments> badInput() {
		return Stream.of(
				arguments("unsupported scheme", List.of(HTTP + ".url=ftp://u:canary@h:21"), HTTP + ".url",
						"scheme 'ftp' is not supported"),
				arguments("a secure scheme of a target", List.of(HTTP + ".url=wss://u:canary@h:443"), HTTP + ".url",
						"scheme 'wss' is not supported"),
				arguments("no scheme", List.of(HTTP + ".pool[0].url=u:canary@h:1080"), HTTP + ".pool[0].url",
						"no scheme"),
				arguments("a proxy TLS bundle without SSL bundles",
						List.of(HTTP + ".url=https://u:canary@h:8443", "cryptofeed.proxy.proxy-tls.bundle=proxies"),
						"cryptofeed.proxy.proxy-tls.bundle", "the application has no SSL bundles"),
				arguments("missing host", List.of(HTTP + ".url=socks5://u:canary@:1080"), HTTP + ".url", "no host"),
				arguments("missing port", List.of(HTTP + ".url=socks5://u:canary@h"), HTTP + ".url", "no port"),
				arguments("a password placeholder nothing defines",
						List.of(HTTP + ".pool[0].url=socks5://canary:${PROXY_POOL_TEST_UNSET}@10.0.0.5:1080"),
						HTTP + ".pool[0].url", "placeholder that nothing resolved"),
				arguments("a URL placeholder nothing defines", List.of(HTTP + ".url=${PROXY_POOL_TEST_UNSET}"),
						HTTP + ".url", "placeholder that nothing resolved"),
				arguments("a password typed after the @", List.of(HTTP + ".url=socks5://u@canary:10.0.0.5:1080"),
						HTTP + ".url", "the host contains ':'"),
				arguments("host and credentials swapped", List.of(HTTP + ".url=socks5://10.0.0.5:1080@u:canary"),
						HTTP + ".url", "not a number"),
				arguments("two URLs in one", List.of(HTTP + ".url=socks5://u:canary@10.0.0.5:1080,socks5://10.0.0.6:1080"),
						HTTP + ".url", "more than one URL"),
				arguments("port out of range", List.of(HTTP + ".url=socks5://h:70000"), HTTP + ".url",
						"out of range"),
				arguments("port zero", List.of(HTTP + ".url=socks5://h:0"), HTTP + ".url", "out of range"),
				arguments("mistyped IPv4 address", List.of(HTTP + ".pool[0].url=socks5://u:canary@10.0.0.300:1080"),
						HTTP + ".pool[0].url", "not a valid IPv4 address"),
				arguments("duplicate member",
						List.of(HTTP + ".pool[0].url=socks5://u:canary@h:1080",
								HTTP + ".pool[1].url=socks5://u:other@H:1080"),
						HTTP + ".pool[1].url", "already member pool[0]"),
				arguments("an IPv6 member written again in full",
						List.of(HTTP + ".pool[0].url=http://[::1]:3128",
								HTTP + ".pool[1].url=http://[0:0:0:0:0:0:0:1]:3128"),
						HTTP + ".pool[1].url", "already member pool[0]"),
				arguments("an IPv6 member written again with capitals and leading zeros",
						List.of(HTTP + ".pool[0].url=socks5://u:canary@[2001:db8::7]:1080",
								HTTP + ".pool[1].url=socks5://u:canary@[2001:0DB8:0:0::0007]:1080"),
						HTTP + ".pool[1].url", "already member pool[0]"),
				arguments("an IPv4 member written again as an IPv4-mapped IPv6 address",
						List.of(HTTP + ".pool[0].url=http://127.0.0.1:3128",
								HTTP + ".pool[1].url=http://[::ffff:127.0.0.1]:3128"),
						HTTP + ".pool[1].url", "already member pool[0]"),
				arguments("a member's host name written again with a trailing dot",
						List.of(HTTP + ".pool[0].url=http://proxy.example:3128",
								HTTP + ".pool[1].url=http://Proxy.Example.:3128"),
						HTTP + ".pool[1].url", "already member pool[0]"),
				arguments("a label of the host name longer than DNS carries",
						List.of(HTTP + ".pool[0].url=socks5://u:canary@" + "a".repeat(64) + ".example:1080"),
						HTTP + ".pool[0].url", "64 characters long, more than the 63 DNS carries"),
				arguments("a host name longer than DNS carries",
						List.of(HTTP + ".url=http://u:canary@" + "a.".repeat(127) + "example:3128"),
						HTTP + ".url", "261 characters long, more than the 253 DNS carries"),
				arguments("an exchange's host pattern with a label longer than DNS carries",
						List.of("cryptofeed.proxy.exchanges.binance.hosts[0]=api." + "b".repeat(64) + ".com"),
						"cryptofeed.proxy.exchanges.binance.hosts[0]", "64 characters long, more than the 63 DNS carries"),
				arguments("an exchange's wildcard longer than DNS carries",
						List.of("cryptofeed.proxy.exchanges.binance.hosts[0]=*." + "b.".repeat(126) + "com"),
						"cryptofeed.proxy.exchanges.binance.hosts[0]", "257 characters long, more than the 253 DNS carries"),
				arguments("a direct host longer than DNS carries",
						List.of("cryptofeed.proxy.direct-hosts[0]=" + "r.".repeat(126) + "internal"),
						"cryptofeed.proxy.direct-hosts[0]", "260 characters long, more than the 253 DNS carries"),
				arguments("a health check URL whose host has a label longer than DNS carries",
						List.of(HTTP + ".url=socks5://h:1080", HTTP + ".health-check.method=http",
								HTTP + ".health-check.url=https://u:canary@" + "p".repeat(64) + ".binance.com/api/v3/ping"),
						HTTP + ".health-check.url", "64 characters long, more than the 63 DNS carries"),
				arguments("a service endpoint whose host name is longer than DNS carries",
						List.of(SERVICE_ON, SERVICE + ".endpoints=https://" + "s.".repeat(127) + "test:8443"),
						SERVICE + ".endpoints[0]", "258 characters long, more than the 253 DNS carries"),
				arguments("weight zero", List.of(HTTP + ".pool[0].url=socks5://h:1080", HTTP + ".pool[0].weight=0"),
						HTTP + ".pool[0].weight", "at least 1"),
				arguments("weight negative",
						List.of(HTTP + ".pool[0].url=socks5://h:1080", HTTP + ".pool[0].weight=-3"),
						HTTP + ".pool[0].weight", "at least 1"),
				arguments("member without url", List.of(HTTP + ".pool[0].weight=2"), HTTP + ".pool[0].url",
						"no url"),
				arguments("unknown strategy", List.of(HTTP + ".strategy=fastest"), HTTP + ".strategy",
						"unknown selection strategy"),
				arguments("zero timeout", List.of(HTTP + ".timeout=0s"), HTTP + ".timeout", "must be positive"),
				arguments("negative timeout", List.of(HTTP + ".timeout=-5s"), HTTP + ".timeout",
						"must be positive"),
				// 99999999999 (seconds) for "no timeout": its nanoseconds overflow, and a reused connection's request hung
				arguments("a response timeout beyond 24 days", List.of(HTTP + ".timeout=99999999999"), HTTP + ".timeout",
						"at most 24 days"),
				arguments("a response timeout in seconds beyond 24 days",
						List.of(HTTP + ".timeout-seconds=2147483647"), HTTP + ".timeout-seconds", "at most 24 days"),
				arguments("a quiet timeout beyond 24 days",
						List.of("cryptofeed.proxy.failover.quiet-timeout=99999999999"),
						"cryptofeed.proxy.failover.quiet-timeout", "at most 24 days"),
				arguments("negative timeout_seconds", List.of(HTTP + ".timeout_seconds=-1"),
						HTTP + ".timeout-seconds", "must be positive"),
				arguments("contradicting timeouts", List.of(HTTP + ".timeout=10s", HTTP + ".timeout-seconds=20"),
						HTTP + ".timeout-seconds", "contradicts " + HTTP + ".timeout = 10s"),
				arguments("empty exchange id", List.of("cryptofeed.proxy.exchanges[ ].http.url=http://h:3128"),
						"cryptofeed.proxy.exchanges", "exchange id is empty"),
				// ids match ignoring '-' and '_': one of only those would be the exchange of a request naming ""
				arguments("exchange id of dashes and underscores only",
						List.of("cryptofeed.proxy.exchanges[-_].http.url=http://h:3128"), "cryptofeed.proxy.exchanges",
						"exchange id is empty"),
				// the id is a path segment of the proxypool endpoint and a word of pool=<id>/<type> in the logs
				arguments("exchange id with a slash",
						List.of("cryptofeed.proxy.exchanges[binance/us].http.url=http://u:canary@h:3128"),
						"cryptofeed.proxy.exchanges[binance/us]", "the exchange id holds '/'"),
				arguments("exchange id with a space",
						List.of("cryptofeed.proxy.exchanges[binance us].http.url=http://u:canary@h:3128"),
						"cryptofeed.proxy.exchanges[binance us]", "the exchange id holds ' '"),
				arguments("exchange id with a plus",
						List.of("cryptofeed.proxy.exchanges[binance+futures].hosts[0]=fapi.binance.com"),
						"cryptofeed.proxy.exchanges[binance+futures]", "the exchange id holds '+'"),
				arguments("exchange named default", List.of("cryptofeed.proxy.exchanges.default.http.url=http://h:1"),
						"cryptofeed.proxy.exchanges.default", "not an exchange id"),
				// ids match ignoring case, '-' and '_': a request or operator naming default would get it
				arguments("exchange named default another way",
						List.of("cryptofeed.proxy.exchanges[De_Fault].http.url=http://h:1"),
						"cryptofeed.proxy.exchanges.De_Fault", "not an exchange id"),
				arguments("exchange ids differing in case",
						List.of("cryptofeed.proxy.exchanges[Binance].http.url=http://h:1",
								"cryptofeed.proxy.exchanges[binance].http.url=http://h:2"),
						"cryptofeed.proxy.exchanges.binance", "cryptofeed.proxy.exchanges.Binance names this exchange too"),
				// named as written, in brackets: exchanges.binance.us.… would be exchange 'binance' with a property 'us'
				arguments("a member of an exchange whose id holds a dot",
						List.of("cryptofeed.proxy.exchanges[binance.us].http.pool[0].url=ftp://u:canary@h:21"),
						"cryptofeed.proxy.exchanges[binance.us].http.pool[0].url", "scheme 'ftp' is not supported"),
				arguments("a host pattern of an exchange whose id holds a dot",
						List.of("cryptofeed.proxy.exchanges[crypto.com].hosts[0]=api.*.crypto.com"),
						"cryptofeed.proxy.exchanges[crypto.com].hosts[0]", "not a host name"),
				arguments("a cooldown of an exchange whose id holds a dot",
						List.of("cryptofeed.proxy.exchanges[crypto.com].rate-limit.cooldown=0"),
						"cryptofeed.proxy.exchanges[crypto.com].rate-limit.cooldown", "must be positive"),
				arguments("empty host pattern", List.of("cryptofeed.proxy.exchanges.binance.hosts[0]= "),
						"cryptofeed.proxy.exchanges.binance.hosts[0]", "host pattern is empty"),
				arguments("inner wildcard", List.of("cryptofeed.proxy.exchanges.binance.hosts[0]=api.*.com"),
						"cryptofeed.proxy.exchanges.binance.hosts[0]", "not a host name"),
				arguments("empty label in a host pattern",
						List.of("cryptofeed.proxy.exchanges.binance.hosts[0]=api..binance.com"),
						"cryptofeed.proxy.exchanges.binance.hosts[0]", "not a host name"),
				arguments("empty label in a direct host", List.of("cryptofeed.proxy.direct-hosts[0]=*.corp..example"),
						"cryptofeed.proxy.direct-hosts[0]", "not a host name"),
				arguments("host claimed twice",
						List.of("cryptofeed.proxy.exchanges.binance.hosts[0]=*.binance.com",
								"cryptofeed.proxy.exchanges.binanceus.hosts[0]=*.binance.com"),
						"cryptofeed.proxy.exchanges.binanceus.hosts[0]", "already claimed"),
				arguments("a proxy URL written as an exchange's host",
						List.of("cryptofeed.proxy.exchanges.binance.hosts[0]=http://u:canary@10.0.1.1:3128"),
						"cryptofeed.proxy.exchanges.binance.hosts[0]", "not a host name"),
				arguments("a proxy URL written as a direct host",
						List.of("cryptofeed.proxy.direct-hosts[0]=socks5://u:canary@10.0.0.5:1080"),
						"cryptofeed.proxy.direct-hosts[0]", "not an address range"),
				arguments("a proxy's credentials written as a direct host",
						List.of("cryptofeed.proxy.direct-hosts[0]=u:canary@10.0.0.5:1080"),
						"cryptofeed.proxy.direct-hosts[0]", "not a host name"),
				arguments("empty direct host", List.of("cryptofeed.proxy.direct-hosts[0]= "),
						"cryptofeed.proxy.direct-hosts[0]", "direct host is empty"),
				arguments("direct host with a path", List.of("cryptofeed.proxy.direct-hosts[0]=risk.internal:8080"),
						"cryptofeed.proxy.direct-hosts[0]", "not a host name, '*.' wildcard or address range"),
				arguments("direct range too long", List.of("cryptofeed.proxy.direct-hosts[0]=10.0.0.0/33"),
						"cryptofeed.proxy.direct-hosts[0]", "not an address range: '/33' is not a prefix length"),
				arguments("direct range of a name", List.of("cryptofeed.proxy.direct-hosts[0]=intranet/8"),
						"cryptofeed.proxy.direct-hosts[0]", "'intranet' is not an IPv4 or IPv6 address"),
				arguments("direct host an exchange claims",
						List.of("cryptofeed.proxy.exchanges.binance.hosts[0]=*.binance.com",
								"cryptofeed.proxy.direct-hosts[0]=risk.internal",
								"cryptofeed.proxy.direct-hosts[1]=*.Binance.com."),
						"cryptofeed.proxy.direct-hosts[1]", "claimed by exchange 'binance'"),
				arguments("health interval below a second", List.of(HTTP + ".health-check.interval=500ms"),
						HTTP + ".health-check.interval", "at least 1 second"),
				arguments("health interval beyond 24 days (its nanoseconds overflowed at 292 years)",
						List.of(HTTP + ".health-check.interval=300000d"), HTTP + ".health-check.interval",
						"at most 24 days"),
				arguments("health timeout not below interval",
						List.of(HTTP + ".health-check.interval=5s", HTTP + ".health-check.timeout=5s"),
						HTTP + ".health-check.timeout", "shorter than the interval (5s)"),
				arguments("health threshold zero", List.of(HTTP + ".health-check.unhealthy-threshold=0"),
						HTTP + ".health-check.unhealthy-threshold", "at least 1"),
				arguments("healthy threshold zero", List.of(HTTP + ".health-check.healthy-threshold=0"),
						HTTP + ".health-check.healthy-threshold", "at least 1"),
				arguments("no attempts", List.of(HTTP + ".health-check.retry-count=0"),
						HTTP + ".health-check.retry-count", "at least one attempt"),
				arguments("http check without url", List.of(HTTP + ".health-check.method=http"),
						HTTP + ".health-check.url", "needs a URL"),
				arguments("malformed status range", List.of(HTTP + ".health-check.expected-status=2xx"),
						HTTP + ".health-check.expected-status", "not a status range"),
				arguments("inverted status range", List.of(HTTP + ".health-check.expected-status=299-200"),
						HTTP + ".health-check.expected-status", "not a status range"),
				arguments("jitter above half", List.of(HTTP + ".health-check.jitter=80%"),
						HTTP + ".health-check.jitter", "percentage"),
				arguments("jitter as a bare fraction (a tenth meant, 0.1% read before)",
						List.of(HTTP + ".health-check.jitter=0.1"), HTTP + ".health-check.jitter", "without %"),
				arguments("jitter as a bare whole number", List.of(HTTP + ".health-check.jitter=10"),
						HTTP + ".health-check.jitter", "without %"),
				arguments("jitter in a number format Java reads but no one writes",
						List.of(HTTP + ".health-check.jitter=10d%"), HTTP + ".health-check.jitter", "percentage"),
				arguments("health check URL without a host name",
						List.of(HTTP + ".url=socks5://h:1080", HTTP + ".health-check.method=http",
								HTTP + ".health-check.url=https://api_v3.binance.test/api/v3/ping"),
						HTTP + ".health-check.url", "not an http or https URL"),
				arguments("health check URL with an unencoded character",
						List.of(HTTP + ".url=socks5://h:1080", HTTP + ".health-check.method=http",
								HTTP + ".health-check.url=https://u:canary@api.binance.com/api/v3/ticker?symbols=BTCUSDT|ETHUSDT"),
						HTTP + ".health-check.url", "not an http or https URL"),
				arguments("health check URL without a host name, with a key in its query",
						List.of(HTTP + ".url=socks5://h:1080", HTTP + ".health-check.method=http",
								HTTP + ".health-check.url=https://api_v3.binance.test/api/v3/ping?apikey=canary#canary"),
						HTTP + ".health-check.url", "not an http or https URL"),
				arguments("health check URL with an unencoded character, with a key in its query",
						List.of(HTTP + ".url=socks5://h:1080", HTTP + ".health-check.method=http",
								HTTP + ".health-check.url=https://api.binance.com/api/v3/ticker?symbols=BTC|ETH&signature=canary"),
						HTTP + ".health-check.url", "not an http or https URL"),
				arguments("health check URL whose password holds a '/' not %-encoded (read as host u, port 2026)",
						List.of(HTTP + ".url=socks5://h:1080", HTTP + ".health-check.method=http",
								HTTP + ".health-check.url=https://u:2026/canary@api.binance.com/api/v3/ping"),
						HTTP + ".health-check.url", "user info holds a '/', '?' or '#' that is not %-encoded"),
				arguments("health check URL whose password holds a '#' not %-encoded",
						List.of(HTTP + ".url=socks5://h:1080", HTTP + ".health-check.method=http",
								HTTP + ".health-check.url=https://u:2026#canary@api.binance.com"),
						HTTP + ".health-check.url", "user info holds a '/', '?' or '#' that is not %-encoded"),
				arguments("health check URL with its port out of range",
						List.of(HTTP + ".url=socks5://h:1080", HTTP + ".health-check.method=http",
								HTTP + ".health-check.url=https://api.binance.com:70000/api/v3/ping"),
						HTTP + ".health-check.url", "port 70000 is out of range"),
				arguments("service endpoint with its port out of range",
						List.of(SERVICE_ON, SERVICE + ".endpoints=https://proxy-service.test:84430"),
						SERVICE + ".endpoints[0]", "port 84430 is out of range"),
				arguments("a health check URL placeholder nothing defines",
						List.of(HTTP + ".url=socks5://h:1080", HTTP + ".health-check.method=http",
								HTTP + ".health-check.url=https://api.binance.com/api/v3/ping?apikey=${PROXY_POOL_TEST_UNSET}"),
						HTTP + ".health-check.url", "placeholder that nothing resolved"),
				arguments("no health checks in flight", List.of("cryptofeed.proxy.max-concurrent-health-checks=0"),
						"cryptofeed.proxy.max-concurrent-health-checks", "at least 1"),
				arguments("no connect attempt", List.of("cryptofeed.proxy.failover.max-attempts=0"),
						"cryptofeed.proxy.failover.max-attempts", "at least one attempt"),
				arguments("negative quiet-session timeout",
						List.of("cryptofeed.proxy.failover.quiet-timeout=-1s"),
						"cryptofeed.proxy.failover.quiet-timeout", "must not be negative"),
				arguments("zero connect timeout", List.of("cryptofeed.proxy.connect-timeout=0"),
						"cryptofeed.proxy.connect-timeout", "must be positive"),
				arguments("negative handshake timeout", List.of("cryptofeed.proxy.handshake-timeout=-1s"),
						"cryptofeed.proxy.handshake-timeout", "must be positive"),
				arguments("no connection per member", List.of("cryptofeed.proxy.connection-pool.max-connections=0"),
						"cryptofeed.proxy.connection-pool.max-connections", "at least 1"),
				arguments("zero idle time", List.of("cryptofeed.proxy.connection-pool.max-idle-time=0s"),
						"cryptofeed.proxy.connection-pool.max-idle-time", "must be positive"),
				arguments("no WebSocket frame", List.of("cryptofeed.proxy.websocket-client.max-frame-payload-length=0"),
						"cryptofeed.proxy.websocket-client.max-frame-payload-length", "at least 1B and below 2GB"),
				arguments("a WebSocket frame above Netty's int",
						List.of("cryptofeed.proxy.websocket-client.max-frame-payload-length=3GB"),
						"cryptofeed.proxy.websocket-client.max-frame-payload-length", "at least 1B and below 2GB"),
				arguments("a WebSocket frame of exactly 2GB, one byte above Netty's int",
						List.of("cryptofeed.proxy.websocket-client.max-frame-payload-length=2GB"),
						"cryptofeed.proxy.websocket-client.max-frame-payload-length", "at least 1B and below 2GB"),
				arguments("negative direct WebSocket handshake timeout",
						List.of("cryptofeed.proxy.websocket-client.direct-handshake-timeout=-1s"),
						"cryptofeed.proxy.websocket-client.direct-handshake-timeout", "must not be negative"),
				arguments("direct WebSocket handshake timeout beyond Netty's timers",
						List.of("cryptofeed.proxy.websocket-client.direct-handshake-timeout=99999999999"),
						"cryptofeed.proxy.websocket-client.direct-handshake-timeout", "at most 24 days"),
				arguments("failure rate above 100", List.of("cryptofeed.proxy.circuit-breaker.failure-rate-threshold=150"),
						"cryptofeed.proxy.circuit-breaker.failure-rate-threshold", "percentage"),
				arguments("empty sliding window", List.of("cryptofeed.proxy.circuit-breaker.sliding-window-size=0"),
						"cryptofeed.proxy.circuit-breaker.sliding-window-size", "not a number from 1 to 10000"),
				// Resilience4j makes a slot per outcome up front, per member: at start-up, and on each turn half-open
				arguments("a breaker window larger than a breaker can hold",
						List.of("cryptofeed.proxy.circuit-breaker.sliding-window-size=2147483647"),
						"cryptofeed.proxy.circuit-breaker.sliding-window-size", "not a number from 1 to 10000"),
				arguments("more half-open trials than a breaker can hold",
						List.of("cryptofeed.proxy.circuit-breaker.permitted-calls-in-half-open-state=2147483647"),
						"cryptofeed.proxy.circuit-breaker.permitted-calls-in-half-open-state",
						"not a number from 1 to 10000"),
				arguments("zero open-state wait", List.of("cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=0"),
						"cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state", "must be positive"),
				arguments("connect timeout below a millisecond (Netty would wait forever)",
						List.of("cryptofeed.proxy.connect-timeout=500us"), "cryptofeed.proxy.connect-timeout",
						"at least 1ms"),
				arguments("connect timeout beyond Netty's int of milliseconds",
						List.of("cryptofeed.proxy.connect-timeout=30d"), "cryptofeed.proxy.connect-timeout",
						"at most 24 days"),
				arguments("open-state wait beyond what a long of milliseconds holds (an overflow, not a violation, before)",
						List.of("cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=9999999999999d"),
						"cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state", "at most 24 days"),
				arguments("TLS handshake timeout beyond 24 days",
						List.of("cryptofeed.proxy.tls-handshake-timeout=30d"), "cryptofeed.proxy.tls-handshake-timeout",
						"at most 24 days"),
				arguments("handshake timeout below a millisecond",
						List.of("cryptofeed.proxy.handshake-timeout=999us"), "cryptofeed.proxy.handshake-timeout",
						"at least 1ms"),
				arguments("zero TLS handshake timeout", List.of("cryptofeed.proxy.tls-handshake-timeout=0"),
						"cryptofeed.proxy.tls-handshake-timeout", "must be positive"),
				arguments("TLS handshake timeout below a millisecond",
						List.of("cryptofeed.proxy.tls-handshake-timeout=10us"), "cryptofeed.proxy.tls-handshake-timeout",
						"at least 1ms"),
				arguments("open-state wait below a millisecond",
						List.of("cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state=500us"),
						"cryptofeed.proxy.circuit-breaker.wait-duration-in-open-state", "at least 1ms"),
				arguments("cooldown status not an error", List.of(LIMIT + ".statuses=429,200"), LIMIT + ".statuses[1]",
						"400 to 599"),
				arguments("exchange cooldown status out of range",
						List.of("cryptofeed.proxy.exchanges.bybit.rate-limit.statuses=403,1000"),
						"cryptofeed.proxy.exchanges.bybit.rate-limit.statuses[1]", "400 to 599"),
				arguments("geo-block status not a cooldown status",
						List.of(LIMIT + ".statuses=429", LIMIT + ".geo-block-statuses=451"),
						LIMIT + ".geo-block-statuses[0]", "not among the cooldown statuses"),
				arguments("zero cooldown", List.of(LIMIT + ".cooldown=0"), LIMIT + ".cooldown", "must be positive"),
				arguments("negative max cooldown", List.of(LIMIT + ".max-cooldown=-1m"), LIMIT + ".max-cooldown",
						"must be positive"),
				arguments("zero geo-block cooldown", List.of(LIMIT + ".geo-block-cooldown=0s"),
						LIMIT + ".geo-block-cooldown", "must be positive"),
				arguments("max cooldown below cooldown", List.of(LIMIT + ".cooldown=5m", LIMIT + ".max-cooldown=1m"),
						LIMIT + ".max-cooldown", "max-cooldown 1m is shorter than cooldown 5m"),
				arguments("exchange cooldown above the default max",
						List.of("cryptofeed.proxy.exchanges.bybit.rate-limit.cooldown=1h"),
						"cryptofeed.proxy.exchanges.bybit.rate-limit.cooldown",
						"max-cooldown 10m is shorter than cooldown 1h"),
				arguments("no connects", List.of(WS_BUDGET + ".max-connects=0", WS_BUDGET + ".window=5m"),
						WS_BUDGET + ".max-connects", "from 1 to 100000"),
				arguments("too many requests to remember",
						List.of(HTTP + ".budget.max-requests=1000000", HTTP + ".budget.window=1h"),
						HTTP + ".budget.max-requests", "from 1 to 100000"),
				arguments("budget without window", List.of(WS_BUDGET + ".max-connects=300"), WS_BUDGET + ".window",
						"needs a positive window"),
				arguments("budget with zero window", List.of(HTTP + ".budget.max-requests=10", HTTP + ".budget.window=0"),
						HTTP + ".budget.window", "needs a positive window"),
				arguments("budget window below a millisecond",
						List.of(HTTP + ".budget.max-requests=10", HTTP + ".budget.window=500us"), HTTP + ".budget.window",
						"at least 1ms"),
				arguments("window without budget",
						List.of("cryptofeed.proxy.exchanges.binance.websocket.budget.window=5m"),
						"cryptofeed.proxy.exchanges.binance.websocket.budget.max-connects", "without max-connects"),
				arguments("connects budget on http", List.of(HTTP + ".budget.max-connects=300", HTTP + ".budget.window=5m"),
						HTTP + ".budget.max-connects", "limit their requests"),
				arguments("requests budget on websocket",
						List.of(WS_BUDGET + ".max-requests=10", WS_BUDGET + ".window=1s"), WS_BUDGET + ".max-requests",
						"one connect"),
				arguments("service without endpoint", List.of(SERVICE_ON), SERVICE + ".endpoints", "no endpoint"),
				arguments("service endpoint not http", List.of(SERVICE_ON, SERVICE + ".endpoints=ftp://h:21"),
						SERVICE + ".endpoints[0]", "not an http or https URL"),
				arguments("service endpoint with credentials",
						List.of(SERVICE_ON, SERVICE + ".endpoints=https://u:canary@h:8443"), SERVICE + ".endpoints[0]",
						"credentials in the URL"),
				// Java's URI reads the user name and the password's digits as host and port, the rest as path
				arguments("service endpoint whose password's '/' cut its user info short",
						List.of(SERVICE_ON, SERVICE + ".endpoints=https://u:2026/canary@h:8443"), SERVICE + ".endpoints[0]",
						"credentials in the URL"),
				arguments("mutual TLS over http, the password holding a '/'",
						List.of(SERVICE_ON, SERVICE + ".endpoints=http://u:2026/canary@h:8080",
								SERVICE + ".auth-method=mutual-tls", SERVICE + ".key-store=classpath:none.p12"),
						SERVICE + ".endpoints[0]", "credentials in the URL"),
				arguments("service endpoint with a key in its query",
						List.of(SERVICE_ON, SERVICE + ".endpoints=https://h:8443/?api_key=canary"), SERVICE + ".endpoints[0]",
						"query or fragment"),
				arguments("service endpoint without a host, with a key in its query",
						List.of(SERVICE_ON, SERVICE + ".endpoints=https://svc_internal:8443/?api_key=canary"),
						SERVICE + ".endpoints[0]", "not an http or https URL"),
				arguments("proxy URL with its credentials after the port",
						List.of("cryptofeed.proxy.default.http.url=http://10.0.0.1:8080:alice:canary"),
						"cryptofeed.proxy.default.http.url", "not a number"),
				// a password's '#', '?', '/' or space ends the host part, and what follows is its tail
				arguments("credentials after the port, the password holding a '#'",
						List.of(HTTP + ".url=socks5://10.0.0.1:1080:alice:pw#canary"), HTTP + ".url",
						"cannot have a path, query or fragment"),
				arguments("credentials after the port, the password holding a '?'",
						List.of(HTTP + ".pool[0].url=http://10.0.0.1:8080:alice:pw?canary"), HTTP + ".pool[0].url",
						"cannot have a path, query or fragment"),
				arguments("credentials after the port, the password holding a '/'",
						List.of(HTTP + ".url=socks5://10.0.0.1:1080:alice:pw/canary"), HTTP + ".url",
						"cannot have a path, query or fragment"),
				arguments("credentials after the port, the password holding a space",
						List.of(HTTP + ".url=socks5://10.0.0.1:1080:alice:pw canary"), HTTP + ".url", "not a number"),
				arguments("a URL without host, the password holding a '#'", List.of(HTTP + ".url=socks5://alice:pw#canary"),
						HTTP + ".url", "cannot have a path, query or fragment"),
				arguments("health check URL without the scheme's colon, with credentials",
						List.of(HTTP + ".url=socks5://h:1080", HTTP + ".health-check.method=http",
								HTTP + ".health-check.url=https//u:pw/canary@api.binance.com/api/v3/ping"),
						HTTP + ".health-check.url", "not an http or https URL"),
				arguments("service endpoint with query", List.of(SERVICE_ON, SERVICE + ".endpoints=https://h?x=1"),
						SERVICE + ".endpoints[0]", "query"),
				arguments("bearer token missing", List.of(SERVICE_ON, ENDPOINT, SERVICE + ".auth-method=bearer-token"),
						SERVICE + ".token", "needs a token"),
				arguments("api key missing", List.of(SERVICE_ON, ENDPOINT, SERVICE + ".auth-method=api-key"),
						SERVICE + ".api-key", "needs an API key"),
				arguments("token with auth-method left at none", List.of(SERVICE_ON, ENDPOINT, SERVICE + ".token=canary"),
						SERVICE + ".auth-method", "a token is set, but auth-method none sends no credential"),
				arguments("API key with auth-method left at none",
						List.of(SERVICE_ON, ENDPOINT, SERVICE + ".api-key=canary"), SERVICE + ".auth-method",
						"an API key is set, but auth-method none sends no credential"),
				arguments("key store with auth-method left at none",
						List.of(SERVICE_ON, ENDPOINT, SERVICE + ".key-store=classpath:none.p12",
								SERVICE + ".key-store-password=canary"),
						SERVICE + ".auth-method", "client certificate of auth-method mutual-tls"),
				arguments("mutual TLS without key store", List.of(SERVICE_ON, ENDPOINT, SERVICE + ".auth-method=mutual-tls"),
						SERVICE + ".key-store", "needs a key store"),
				arguments("mutual TLS over http",
						List.of(SERVICE_ON, SERVICE + ".endpoints=http://h:8080", SERVICE + ".auth-method=mutual-tls",
								SERVICE + ".key-store=classpath:none.p12"),
						SERVICE + ".endpoints[0]", "needs an https endpoint"),
				arguments("unreadable key store",
						List.of(SERVICE_ON, ENDPOINT, SERVICE + ".auth-method=mutual-tls",
								SERVICE + ".key-store=file:/nonexistent/client.p12", SERVICE + ".key-store-password=canary"),
						SERVICE + ".key-store", "cannot be read"),
				arguments("unreadable trust store",
						List.of(SERVICE_ON, ENDPOINT, SERVICE + ".trust-store=classpath:none.p12"),
						SERVICE + ".trust-store", "cannot be read"),
				arguments("zero service timeout", List.of(SERVICE_ON, ENDPOINT, SERVICE + ".timeout=0"),
						SERVICE + ".timeout", "must be positive"),
				arguments("negative cache TTL", List.of(SERVICE_ON, ENDPOINT, SERVICE + ".cache-ttl=-1s"),
						SERVICE + ".cache-ttl", "cannot be negative"),
				arguments("zero service breaker wait",
						List.of(SERVICE_ON, ENDPOINT, SERVICE + ".circuit-breaker-wait-duration=0"),
						SERVICE + ".circuit-breaker-wait-duration", "must be positive"),
				arguments("service timeout below a millisecond (Netty would wait forever)",
						List.of(SERVICE_ON, ENDPOINT, SERVICE + ".timeout=500us"), SERVICE + ".timeout", "at least 1ms"),
				arguments("service breaker wait below a millisecond",
						List.of(SERVICE_ON, ENDPOINT, SERVICE + ".circuit-breaker-wait-duration=500us"),
						SERVICE + ".circuit-breaker-wait-duration", "at least 1ms"),
				arguments("service breaker wait beyond what a long of milliseconds holds",
						List.of(SERVICE_ON, ENDPOINT, SERVICE + ".circuit-breaker-wait-duration=9999999999999d"),
						SERVICE + ".circuit-breaker-wait-duration", "at most 24 days"),
				arguments("no room for feedback", List.of(SERVICE_ON, ENDPOINT, SERVICE + ".feedback-queue-capacity=0"),
						SERVICE + ".feedback-queue-capacity", "at least 1"),
				arguments("service server open to anyone", List.of("cryptofeed.proxy.service-server.enabled=true"),
						"cryptofeed.proxy.service-server.token", "to any caller"),
				arguments("service server whose client-auth need is switched off with TLS",
						List.of("cryptofeed.proxy.service-server.enabled=true", "server.ssl.client-auth=need",
								"server.ssl.enabled=false"),
						"cryptofeed.proxy.service-server.token", "to any caller"),
				arguments("negative answer TTL",
						List.of("cryptofeed.proxy.service-server.enabled=true", "cryptofeed.proxy.service-server.token=t",
								"cryptofeed.proxy.service-server.answer-ttl=-1s"),
						"cryptofeed.proxy.service-server.answer-ttl", "cannot be negative"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badInput")
	void failsStartupNamingThePropertyWithoutItsCredentials(String rule, List<String> properties, String property,
			String problem) {
		this.runner.withPropertyValues(properties.toArray(String[]::new)).run((context) -> {
			assertThat(context).hasFailed();
			InvalidProxyConfigurationException failure = findCause(context.getStartupFailure());
			assertThat(failure.violations()).anySatisfy((violation) -> {
				assertThat(violation.property()).isEqualTo(property);
				assertThat(violation.problem()).contains(problem);
				assertThat(violation.fix()).isNotBlank();
			});
			FailureAnalysis analysis = new InvalidProxyConfigurationFailureAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Property: " + property).doesNotContain("canary");
			assertThat(analysis.getAction()).contains(property);
		});
	}

	/**
	 * A password of digits, then a '#' or '?' not percent-encoded: Java's URI reads the user
	 * name and the digits as host and port, the rest as fragment or query; the endpoint is
	 * refused for its credentials, and the value shown must not stop just before the '@'.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "https://alice:20261122#s3cret@proxy-service.test:8443",
			"https://alice:20261122?s3cret@proxy-service.test:8443" })
	void aServiceEndpointWhosePasswordHoldsAHashOrAQuestionMarkIsShownWithoutIt(String endpoint) {
		this.runner.withPropertyValues(SERVICE_ON, SERVICE + ".endpoints=" + endpoint).run((context) -> {
			assertThat(context).hasFailed();
			InvalidProxyConfigurationException failure = findCause(context.getStartupFailure());
			assertThat(failure.violations()).isNotEmpty()
				.allSatisfy((violation) -> assertThat(violation.toString()).doesNotContain("20261122", "alice"))
				.anySatisfy((violation) -> assertThat(violation.value()).startsWith("https://***@proxy-service.test:8443"));
		});
	}

	static Stream<Arguments> badDurations() {
		String connectTimeout = "cryptofeed.proxy.connect-timeout";
		String quietTimeout = "cryptofeed.proxy.failover.quiet-timeout";
		return Stream.of(
				arguments(List.of(HTTP + ".health-check.interval=500ms"), HTTP + ".health-check.interval", "500ms"),
				arguments(List.of(HTTP + ".timeout=-5s"), HTTP + ".timeout", "-5s"),
				arguments(List.of(connectTimeout + "=500us"), connectTimeout, "500us"),
				arguments(List.of(connectTimeout + "=30d"), connectTimeout, "30d"),
				arguments(List.of(quietTimeout + "=-1s"), quietTimeout, "-1s"),
				arguments(List.of(LIMIT + ".cooldown=90s", LIMIT + ".max-cooldown=1m"), LIMIT + ".max-cooldown", "1m"),
				arguments(List.of(HTTP + ".budget.max-requests=10", HTTP + ".budget.window=500us"),
						HTTP + ".budget.window", "500us"),
				arguments(List.of(SERVICE_ON, ENDPOINT, SERVICE + ".timeout=500us"), SERVICE + ".timeout", "500us"),
				arguments(List.of(SERVICE_ON, ENDPOINT, SERVICE + ".cache-ttl=-2m"), SERVICE + ".cache-ttl", "-2m"));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("badDurations")
	void aBadDurationIsShownAsWrittenNotInIso8601(List<String> properties, String property, String value) {
		this.runner.withPropertyValues(properties.toArray(String[]::new)).run((context) -> {
			assertThat(findCause(context.getStartupFailure()).violations())
				.anySatisfy((violation) -> assertThat(violation).extracting(ConfigurationViolation::property,
						ConfigurationViolation::value).containsExactly(property, value));
			assertThat(new InvalidProxyConfigurationFailureAnalyzer().analyze(context.getStartupFailure())
				.getDescription()).contains("Value: \"" + value + "\"").doesNotContainPattern("PT-?[0-9]");
		});
	}

	@Test
	void aDurationNoLargerUnitHoldsReadsAsWritten() {
		this.runner.withPropertyValues(LIMIT + ".cooldown=90s", LIMIT + ".max-cooldown=1m")
			.run((context) -> assertThat(findCause(context.getStartupFailure()).violations()).singleElement()
				.satisfies((violation) -> assertThat(violation.problem())
					.isEqualTo("max-cooldown 1m is shorter than cooldown 90s")));
	}

	/**
	 * Ids match ignoring case, '-' and '_', as requests name them: two blocks that Spring binds
	 * with different values (it fills what one spelling lacks from another, but never in
	 * brackets, and never a value both set) would be one exchange with two settings. The report
	 * names both blocks, whichever Spring bound first.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "binance_us", "\"[binance_us]\"", "binanceus", "BinanceUS", "\"[BINANCE_US]\"" })
	void twoBlocksWhoseIdsDifferInCaseDashesOrUnderscoresFailStartupNamingBoth(String spelling) {
		String yaml = """
				cryptofeed.proxy.exchanges:
				  binance-us:
				    hosts: [ "*.binance.us" ]
				    http.url: http://10.0.0.7:3128
				  %s:
				    http.url: http://10.0.0.8:3128
				""".formatted(spelling);
		withYaml(yaml).run((context) -> assertThat(findCause(context.getStartupFailure()).violations()).singleElement()
			.satisfies((violation) -> {
				String other = "cryptofeed.proxy.exchanges." + spelling.replaceAll("[\"\\[\\]]", "");
				assertThat(List.of(violation.property(), violation.problem())).anySatisfy(
						(text) -> assertThat(text).contains("cryptofeed.proxy.exchanges.binance-us"))
					.anySatisfy((text) -> assertThat(text).contains(other));
				assertThat(violation.problem()).contains("ignoring case, '-' and '_'");
				assertThat(violation.fix()).contains("merge the two blocks into one");
			}));
	}

	/**
	 * An exchange id with a character ids may not have, as YAML writes it: in brackets Spring
	 * keeps the character, and the start stops naming the id; without them Spring drops it
	 * ({@code binance/us:} binds as {@code binanceus}), which requests naming the id as written
	 * would not find, so the start stops too.
	 */
	@ParameterizedTest
	@ValueSource(strings = { "\"[binance/us]\"", "\"[binance us]\"", "binance/us", "binance us", "\"binance/us\"" })
	void anExchangeIdWithACharacterIdsMayNotHaveStopsTheStartAsYamlWritesIt(String key) {
		String yaml = """
				cryptofeed.proxy.exchanges:
				  %s:
				    http.url: http://10.0.0.7:3128
				""".formatted(key);
		withYaml(yaml).run((context) -> assertThat(findCause(context.getStartupFailure()).violations()).singleElement()
			.satisfies((violation) -> assertThat(violation.toString()).containsPattern("binance[/ ]us")));
	}

	/** YAML's "-" with nothing after it binds as a member with nothing set, not as an empty entry. */
	@Test
	void aStrayDashInYamlIsToldToBeRemoved() {
		String yaml = """
				cryptofeed.proxy.default.http.pool:
				  - url: http://10.0.0.7:3128
				  -
				  - url: http://10.0.0.8:3128
				""";
		withYaml(yaml).run((context) -> assertThat(findCause(context.getStartupFailure()).violations()).singleElement()
			.satisfies((violation) -> {
				assertThat(violation.property()).startsWith(HTTP + ".pool[1]");
				assertThat(violation.fix()).contains("remove");
			}));
	}

	/** "Lower the timeout" would be wrong: no timeout is shorter than an interval of -5s. */
	@ParameterizedTest
	@ValueSource(strings = { "-5s", "0s", "500ms" })
	void anIntervalUnderASecondIsTheOnlyViolationNotAlsoTheTimeoutsFault(String interval) {
		this.runner.withPropertyValues(HTTP + ".health-check.interval=" + interval)
			.run((context) -> assertThat(findCause(context.getStartupFailure()).violations()).singleElement()
				.satisfies((violation) -> assertThat(violation.property()).isEqualTo(HTTP + ".health-check.interval")));
	}

	/** The timeout the fix suggests, set as it says, must pass beside a short interval too. */
	@ParameterizedTest
	@ValueSource(strings = { "30s", "5s", "2s", "1s" })
	void theHealthCheckTimeoutItSuggestsIsShorterThanTheInterval(String interval) {
		String timeout = HTTP + ".health-check.timeout";
		String[] properties = { HTTP + ".url=http://10.0.0.7:3128", HTTP + ".health-check.interval=" + interval };
		this.runner.withPropertyValues(properties).withPropertyValues(timeout + "=0s").run((context) -> {
			ConfigurationViolation violation = findCause(context.getStartupFailure()).violations().get(0);
			assertThat(violation.property()).isEqualTo(timeout);
			Matcher suggested = Pattern.compile("such as (\\S+)").matcher(violation.fix());
			assertThat(suggested.find()).as(violation.fix()).isTrue();
			this.runner.withPropertyValues(properties)
				.withPropertyValues(timeout + "=" + suggested.group(1))
				.run((fixed) -> assertThat(fixed).as("%s: %s", interval, violation.fix()).hasNotFailed());
		});
	}

	@Test
	void aCredentialWithAuthMethodLeftAtNoneNamesTheMethodToSetAndNotTheSecret() {
		this.runner.withPropertyValues(SERVICE_ON, ENDPOINT, SERVICE + ".token=canary", SERVICE + ".api-key=canary")
			.run((context) -> {
				assertThat(findCause(context.getStartupFailure()).violations()).allSatisfy((violation) -> {
					assertThat(violation.property()).isEqualTo(SERVICE + ".auth-method");
					assertThat(violation.value()).isEqualTo("none");
				})
					.extracting(ConfigurationViolation::fix)
					.containsExactlyInAnyOrder("set auth-method: bearer-token", "set auth-method: api-key");
				assertThat(context.getStartupFailure()).rootCause().message().doesNotContain("canary");
			});
	}

	@Test
	void aHostPatternClaimedTwiceWithATrailingDotNamesTheProperty() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.exchanges.binance.hosts[0]=*.binance.com",
					"cryptofeed.proxy.exchanges.bybit.hosts[0]=*.Binance.com.")
			.run((context) -> assertThat(findCause(context.getStartupFailure()).violations())
				.singleElement()
				.satisfies((violation) -> {
					assertThat(violation.property()).matches("cryptofeed\\.proxy\\.exchanges\\.(binance|bybit)\\.hosts\\[0]");
					assertThat(violation.problem()).contains("already claimed");
				}));
	}

	@Test
	void anInternationalizedHostPatternIsTakenInItsAsciiForm() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.exchanges.books.hosts[0]=*.Bücher.example",
					"cryptofeed.proxy.direct-hosts[0]=risk.bäckerei.internal")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				CompiledProxyConfiguration compiled = context.getBean(CompiledProxyConfiguration.class);
				assertThat(compiled.hostPatterns()).containsEntry("books", List.of("*.xn--bcher-kva.example"));
				assertThat(compiled.directHosts()).containsExactly("risk.xn--bckerei-5wa.internal");
			});
	}

	@Test
	void anInternationalizedHostPatternClaimedTwiceWrittenBothWaysNamesTheProperty() {
		this.runner
			.withPropertyValues("cryptofeed.proxy.exchanges.books.hosts[0]=bücher.example",
					"cryptofeed.proxy.exchanges.other.hosts[0]=xn--bcher-kva.example")
			.run((context) -> assertThat(findCause(context.getStartupFailure()).violations())
				.singleElement()
				.satisfies((violation) -> assertThat(violation.problem()).contains("already claimed")));
	}

	@Test
	void reportsEveryViolationAtOnce() {
		this.runner
			.withPropertyValues(HTTP + ".url=ftp://h:1", HTTP + ".strategy=fastest",
					"cryptofeed.proxy.default.websocket.pool[0].url=socks5://h")
			.run((context) -> assertThat(findCause(context.getStartupFailure()).violations())
				.extracting(ConfigurationViolation::property)
				.containsExactlyInAnyOrder(HTTP + ".url", HTTP + ".strategy",
						"cryptofeed.proxy.default.websocket.pool[0].url"));
	}

	@Test
	void aDollarInAPasswordPassesWhenPercentEncodedOrWithoutBraces() {
		this.runner
			.withPropertyValues(HTTP + ".pool[0].url=socks5://u:p%24{x}@10.0.0.5:1080",
					HTTP + ".pool[1].url=socks5://u:p$x@10.0.0.6:1080")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void theBadValueIsShownMasked() {
		this.runner.withPropertyValues(HTTP + ".url=ftp://alice:canary@h:21").run((context) -> {
			FailureAnalysis analysis = new InvalidProxyConfigurationFailureAnalyzer()
				.analyze(context.getStartupFailure());
			assertThat(analysis.getDescription()).contains("Value: \"ftp://***@h:21\"");
			assertThat(context.getStartupFailure()).rootCause().message().doesNotContain("canary");
		});
	}

	@Test
	void theUnknownStrategyReportListsTheKnownOnes() {
		this.runner.withPropertyValues(HTTP + ".strategy=fastest")
			.run((context) -> assertThat(findCause(context.getStartupFailure()).violations())
				.singleElement()
				.satisfies((violation) -> assertThat(violation.fix()).contains("round-robin", "random",
						"least-connections", "weighted")));
	}

	@Test
	void aValidConfigurationStarts() {
		this.runner.withPropertyValues(HTTP + ".pool[0].url=socks5h://u:p%40ss@h:1080", HTTP + ".strategy=weighted",
				HTTP + ".health-check.method=http", HTTP + ".health-check.url=https://api.binance.com/api/v3/ping",
				HTTP + ".health-check.expected-status=200,204", HTTP + ".health-check.jitter=5%")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(ProxyPools.class));
	}

	/** An '@' of the path itself ({@code /users/@me}) is no password cut short: such a URL starts. */
	@ParameterizedTest
	@ValueSource(strings = { "https://api.example.test/api/users/@me", "https://api.example.test:8443/v1/@me",
			"https://api.example.test/v1/ping?contact=ops@example.test" })
	void aHealthCheckUrlWithAnAtSignOfItsOwnStarts(String url) {
		this.runner
			.withPropertyValues(HTTP + ".url=socks5://h:1080", HTTP + ".health-check.method=http",
					HTTP + ".health-check.url=" + url)
			.run((context) -> assertThat(context).hasNotFailed());
	}

	/**
	 * An exchange's url left empty by a placeholder nothing sets ({@code url: ${BINANCE_PROXY:}}),
	 * as an environment without the exchange's own proxy has it, or as an operator empties it
	 * to fall back to the default block: the block's timeout, strategy and health checks are
	 * for when the url is set, as a disabled pool's are, and must not stop the start (nor a
	 * reload, which would keep the proxy the operator meant to leave).
	 */
	@Test
	void anExchangeWhoseUrlIsLeftEmptyKeepsItsSettingsForWhenItIsSet(CapturedOutput output) {
		String binance = "cryptofeed.proxy.exchanges.binance";
		this.runner
			.withPropertyValues(HTTP + ".url=http://10.0.0.5:3128", binance + ".hosts[0]=*.binance.com",
					binance + ".http.url=", binance + ".http.timeout=5s", binance + ".http.strategy=least-connections",
					binance + ".http.health-check.interval=10s")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ProxyPools.class);
				assertThat(output).doesNotContain("applies to nothing");
			});
	}

	/**
	 * A window smaller than the default minimum number of calls (5), the minimum left as it is:
	 * it was never written, so there is nothing to correct. It follows the window, as
	 * Resilience4j always had it (a breaker judged after a full window), and the start goes on.
	 * Only a minimum the user wrote above the window is a mistake.
	 */
	@Test
	void aSmallWindowWithTheDefaultMinimumNumberOfCallsJudgesAfterAFullWindow() {
		this.runner
			.withPropertyValues(HTTP + ".url=http://10.0.0.5:3128", "cryptofeed.proxy.circuit-breaker.sliding-window-size=3")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBean(CompiledProxyConfiguration.class).breaker().minimumNumberOfCalls()).isEqualTo(3);
			});
	}

	/**
	 * A pool-only setting in an exchange's block that has no url or pool reaches nothing; a
	 * profile may bring the pool elsewhere, so it is named in a warning and the start goes on.
	 */
	@Test
	void anExchangeSettingThatAppliesToNothingIsNamedInAWarningAndTheStartGoesOn(CapturedOutput output) {
		String binance = "cryptofeed.proxy.exchanges.binance";
		this.runner
			.withPropertyValues(HTTP + ".url=http://u:canary@10.0.0.5:3128", binance + ".hosts[0]=*.binance.com",
					binance + ".http.timeout=5s", binance + ".http.strategy=least-connections",
					binance + ".websocket.health-check.interval=10s")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ProxyPools.class);
				assertThat(output).contains(binance + ".http.timeout=5s applies to nothing")
					.contains(binance + ".http.strategy=least-connections applies to nothing")
					.contains(binance + ".websocket.health-check.interval=10s applies to nothing")
					.contains("set it under cryptofeed.proxy.default.http")
					.doesNotContain("canary");
			});
	}

	/**
	 * With no proxies of that type in the default block either, the exchange's connections of
	 * that type use no pool: the warning must not say they go through the default block's
	 * proxies, nor send the setting there, where it would reach nothing too.
	 */
	@Test
	void anExchangeSettingWithNoPoolOfItsTypeAnywhereIsNotSaidToUseTheDefaultBlocksProxies(CapturedOutput output) {
		String binance = "cryptofeed.proxy.exchanges.binance";
		this.runner
			.withPropertyValues(HTTP + ".url=http://10.0.0.5:3128", binance + ".hosts[0]=*.binance.com",
					binance + ".websocket.strategy=least-connections")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ProxyPools.class);
				assertThat(output).contains(binance + ".websocket.strategy=least-connections applies to nothing: "
						+ "neither this block nor the default block has a url or pool for websocket, so exchange "
						+ "'binance' has no websocket pool; give this block a url or pool of its own, or remove the setting")
					.doesNotContain("default block's proxies");
			});
	}

	/**
	 * A budget counts the uses of members: where neither the exchange's block nor the default
	 * block has proxies of its type, the exchange connects directly, and its budget limits nothing.
	 */
	@Test
	void anExchangeBudgetWithNoPoolOfItsTypeAnywhereIsNamedInAWarning(CapturedOutput output) {
		String binance = "cryptofeed.proxy.exchanges.binance";
		this.runner
			.withPropertyValues(HTTP + ".url=http://10.0.0.5:3128", binance + ".hosts[0]=*.binance.com",
					binance + ".websocket.budget.max-connects=300", binance + ".websocket.budget.window=5m",
					binance + ".http.budget.max-requests=10", binance + ".http.budget.window=1s")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ProxyPools.class);
				assertThat(output).contains(binance + ".websocket.budget.max-connects=300 applies to nothing: "
						+ "neither this block nor the default block has a url or pool for websocket")
					.contains(binance + ".websocket.budget.window=5m applies to nothing")
					.doesNotContain(binance + ".http.budget");
			});
	}

	/** Budgets and rate limits count per member and exchange, so they apply to the default block's members too. */
	@Test
	void anExchangeWithoutProxiesOfItsOwnKeepsItsBudgetsAndRateLimitsAndADisabledPoolItsSettings() {
		String binance = "cryptofeed.proxy.exchanges.binance";
		this.runner
			.withPropertyValues(HTTP + ".url=http://10.0.0.5:3128", binance + ".hosts[0]=*.binance.com",
					binance + ".http.budget.max-requests=100", binance + ".http.budget.window=1s",
					binance + ".rate-limit.cooldown=1m", binance + ".websocket.pool[0].url=socks5://10.0.0.6:1080",
					binance + ".websocket.pool[0].enabled=false", binance + ".websocket.timeout=5s")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(ProxyPools.class));
	}

	@Test
	void aBareJitterIsToldToBeWrittenWithAPercentSign() {
		this.runner.withPropertyValues(HTTP + ".health-check.jitter=0.1")
			.run((context) -> assertThat(findCause(context.getStartupFailure()).violations()).singleElement()
				.satisfies((violation) -> {
					assertThat(violation.property()).isEqualTo(HTTP + ".health-check.jitter");
					assertThat(violation.value()).isEqualTo("0.1");
					assertThat(violation.fix()).contains("10% for a tenth of the interval");
				}));
	}

	@ParameterizedTest
	@ValueSource(strings = { "0", "0.0", "0%", "10%", " 12.5 % ", "50%" })
	void jitterIsAPercentageOrZero(String jitter) {
		double expected = switch (jitter.strip()) {
			case "10%" -> 0.1;
			case "12.5 %" -> 0.125;
			case "50%" -> 0.5;
			default -> 0;
		};
		this.runner.withPropertyValues(HTTP + ".url=socks5://h:1080", HTTP + ".health-check.jitter=" + jitter)
			.run((context) -> assertThat(context.getBean(CompiledProxyConfiguration.class).healthChecks().values())
				.singleElement()
				.satisfies((settings) -> assertThat(settings.jitter()).isEqualTo(expected)));
	}

	@Test
	void directHostsAreKeptNormalized() {
		this.runner
			.withPropertyValues(HTTP + ".url=http://h:3128", "cryptofeed.proxy.direct-hosts=Risk.Internal, *.corp.example.,"
					+ " 10.0.0.0/8, FD00::/8")
			.run((context) -> assertThat(context.getBean(CompiledProxyConfiguration.class).directHosts())
				.containsExactly("risk.internal", "*.corp.example.", "10.0.0.0/8", "fd00::/8"));
	}

	/** The runner with the YAML as a property source before every other, as an application.yml of the application's. */
	private ReactiveWebApplicationContextRunner withYaml(String yaml) {
		return this.runner.withInitializer((context) -> {
			try {
				new YamlPropertySourceLoader()
					.load("application.yml", new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)))
					.forEach(context.getEnvironment().getPropertySources()::addFirst);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		});
	}

	static InvalidProxyConfigurationException findCause(Throwable failure) {
		List<Throwable> chain = new ArrayList<>();
		for (Throwable t = failure; t != null; t = t.getCause()) {
			chain.add(t);
			if (t instanceof InvalidProxyConfigurationException invalid) {
				return invalid;
			}
		}
		throw new AssertionError("no InvalidProxyConfigurationException in " + chain);
	}

}
