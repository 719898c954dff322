package io.cryptofeed.proxy.autoconfigure;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.health.HealthCheckSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.convert.DurationUnit;
import org.springframework.util.unit.DataSize;

/**
 * Proxy pools for outgoing exchange connections. Bound as given, then checked and turned
 * into immutable pools by {@link ProxyConfigurationCompiler}.
 */
@ConfigurationProperties(ProxyProperties.PREFIX)
public class ProxyProperties {

	public static final String PREFIX = "cryptofeed.proxy";

	/** Whether to route exchange connections through proxies; when false nothing changes. */
	private boolean enabled;

	private final Settings defaultSettings = new Settings();

	/** Settings per exchange id, matched ignoring case, '-' and '_' (a request naming COINBASE_PRO gets coinbase-pro). A block with a url or pool of its own replaces the default block's pool, timeout, strategy and health checks; each rate-limit and budget value left unset comes from the default block. */
	private final Map<String, ExchangeSettings> exchanges = new LinkedHashMap<>();

	/** Hosts every client reaches directly, never through a proxy (internal services, say): exact hosts, '*.' wildcards for subdomains, or address ranges (10.0.0.0/8, fd00::/8) for hosts written as IP addresses. The most specific pattern wins against the exchanges' hosts; a request that names its exchange still goes through that exchange's proxies. */
	private List<String> directHosts = new ArrayList<>();

	/** Time the TCP connect to a proxy may take, and the lookup of its host name before it; a bare number means seconds. */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration connectTimeout = Duration.ofSeconds(1);

	/** Time the proxy handshake (CONNECT or SOCKS) may take, which bounds what a hung proxy costs; a bare number means seconds. */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration handshakeTimeout = Duration.ofSeconds(1);

	/** Time added to handshake-timeout for the TLS handshake with the exchange (https, wss) through a proxy: the TLS timer runs from the TCP connect to the proxy, so the two together bound the proxy's handshake and the TLS handshake after it, and what a proxy that stalls after its handshake costs. A bare number means seconds. */
	@DurationUnit(ChronoUnit.SECONDS)
	private Duration tlsHandshakeTimeout = Duration.ofSeconds(2);

	/** Health checks in flight at once across all pools; each holds a socket while it runs. */
	private int maxConcurrentHealthChecks = 256;

	private final Failover failover = new Failover();

	private final CircuitBreaker circuitBreaker = new CircuitBreaker();

	private final ConnectionPool connectionPool = new ConnectionPool();

	private final WebsocketClient websocketClient = new WebsocketClient();

	private final ProxyTlsSettings proxyTls = new ProxyTlsSettings();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	/**
	 * Settings for every exchange that has none of its own.
	 * @return the default settings
	 */
	public Settings getDefault() {
		return this.defaultSettings;
	}

	public Map<String, ExchangeSettings> getExchanges() {
		return this.exchanges;
	}

	public List<String> getDirectHosts() {
		return this.directHosts;
	}

	/** @param directHosts the patterns; {@code null} (set in code) is none, as when nothing is bound */
	public void setDirectHosts(List<String> directHosts) {
		this.directHosts = (directHosts != null) ? directHosts : new ArrayList<>();
	}

	public Duration getConnectTimeout() {
		return this.connectTimeout;
	}

	public void setConnectTimeout(Duration connectTimeout) {
		this.connectTimeout = connectTimeout;
	}

	public Duration getHandshakeTimeout() {
		return this.handshakeTimeout;
	}

	public void setHandshakeTimeout(Duration handshakeTimeout) {
		this.handshakeTimeout = handshakeTimeout;
	}

	public Duration getTlsHandshakeTimeout() {
		return this.tlsHandshakeTimeout;
	}

	public void setTlsHandshakeTimeout(Duration tlsHandshakeTimeout) {
		this.tlsHandshakeTimeout = tlsHandshakeTimeout;
	}

	public int getMaxConcurrentHealthChecks() {
		return this.maxConcurrentHealthChecks;
	}

	public void setMaxConcurrentHealthChecks(int maxConcurrentHealthChecks) {
		this.maxConcurrentHealthChecks = maxConcurrentHealthChecks;
	}

	public Failover getFailover() {
		return this.failover;
	}

	public CircuitBreaker getCircuitBreaker() {
		return this.circuitBreaker;
	}

	public ConnectionPool getConnectionPool() {
		return this.connectionPool;
	}

	public WebsocketClient getWebsocketClient() {
		return this.websocketClient;
	}

	public ProxyTlsSettings getProxyTls() {
		return this.proxyTls;
	}

	/** Retrying a connection through other members. */
	public static class Failover {

		/** Members tried for one connection before it fails; never more than the pool's enabled members. */
		private int maxAttempts = 3;

		/**
		 * Whether a GET, HEAD or OPTIONS (and a WebSocket opening handshake) whose tunnel stalled
		 * after it was up is sent once more through another member. A response timeout retried
		 * this way counts against the first member only once the other gets an answer below 500,
		 * or when no other member could carry the retry to the exchange.
		 */
		private boolean retryIdempotent = true;

		/**
		 * How long an open WebSocket session, or a request or opening handshake waiting for its
		 * answer, through a member that failed (its health check, or its breaker opened) or
		 * that a reload removed or disabled may read nothing before it is cut: a proxy that froze stalls them without closing them. A
		 * cut session ends so that the application reconnects through another member; a cut
		 * request fails, and a GET, HEAD or OPTIONS (or a handshake) is sent again through
		 * another member, as after its response timeout. 0 leaves them to their own timeouts.
		 * Nothing is cut through a member that is only drained, nor while its pool is in panic
		 * mode. A bare number means seconds.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration quietTimeout = Duration.ofSeconds(10);

		public int getMaxAttempts() {
			return this.maxAttempts;
		}

		public void setMaxAttempts(int maxAttempts) {
			this.maxAttempts = maxAttempts;
		}

		public boolean isRetryIdempotent() {
			return this.retryIdempotent;
		}

		public void setRetryIdempotent(boolean retryIdempotent) {
			this.retryIdempotent = retryIdempotent;
		}

		public Duration getQuietTimeout() {
			return this.quietTimeout;
		}

		public void setQuietTimeout(Duration quietTimeout) {
			this.quietTimeout = quietTimeout;
		}

	}

	/**
	 * The keep-alive connections of the auto-configured WebClient, RestClient and WebSocket
	 * clients. Read at start-up: a reload leaves them as they are.
	 */
	public static class ConnectionPool {

		/** Connections open at once through one member to one target; further requests wait for a free one. */
		private int maxConnections = 500;

		/** Time an idle keep-alive connection is kept for its next request before it is closed; set it below the idle timeout of your proxies and exchanges. A bare number means seconds. */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration maxIdleTime = Duration.ofSeconds(30);

		public int getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
		}

		public Duration getMaxIdleTime() {
			return this.maxIdleTime;
		}

		public void setMaxIdleTime(Duration maxIdleTime) {
			this.maxIdleTime = maxIdleTime;
		}

	}

	/**
	 * The sessions of the auto-configured WebSocket client (and of one built by hand without a
	 * WebSocket spec of its own; the direct handshake's bound holds for every pooled WebSocket
	 * client). A reload applies to the sessions opened after it.
	 */
	public static class WebsocketClient {

		/** Largest frame, and message, a session accepts; a larger one fails the session. Reactor Netty's default, 64KB, is below the order book snapshots some exchanges send. A bare number means bytes. */
		private DataSize maxFramePayloadLength = DataSize.ofKilobytes(64);

		/** Whether sessions offer the exchange permessage-deflate compression: less traffic through the proxies, for some CPU. Off, as in Reactor Netty. */
		private boolean compress;

		/** How long the opening handshake of a session that goes without a proxy (a direct host, an exchange with no pool, the proxy service's direct answer) may wait for the exchange's answer; through a proxy, the block's timeout bounds it. 0 waits for ever. */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration directHandshakeTimeout = Duration.ofSeconds(30);

		public DataSize getMaxFramePayloadLength() {
			return this.maxFramePayloadLength;
		}

		public void setMaxFramePayloadLength(DataSize maxFramePayloadLength) {
			this.maxFramePayloadLength = maxFramePayloadLength;
		}

		public boolean isCompress() {
			return this.compress;
		}

		public void setCompress(boolean compress) {
			this.compress = compress;
		}

		public Duration getDirectHandshakeTimeout() {
			return this.directHandshakeTimeout;
		}

		public void setDirectHandshakeTimeout(Duration directHandshakeTimeout) {
			this.directHandshakeTimeout = directHandshakeTimeout;
		}

	}

	/**
	 * TLS to the proxies of {@code https://} members (and of the proxy service's {@code https}
	 * answers); TLS to the exchange is the client's own. A reload applies to the next
	 * connection to such a proxy.
	 */
	public static class ProxyTlsSettings {

		/** SSL bundle (spring.ssl.bundle.*) whose trust material verifies the certificates of https:// proxies, and whose key, if any, is presented to them; the JDK's trust store when not set. */
		private String bundle;

		public String getBundle() {
			return this.bundle;
		}

		public void setBundle(String bundle) {
			this.bundle = bundle;
		}

	}

	/** The circuit breaker each pool member gets, fed by real connect outcomes. */
	public static class CircuitBreaker {

		/** Whether members get circuit breakers. */
		private boolean enabled = true;

		/** Percentage of failed connects within the sliding window that opens a member's breaker. */
		private int failureRateThreshold = 50;

		/** Number of recent connect outcomes remembered per member, from 1 to 10000. */
		private int slidingWindowSize = 10;

		/**
		 * Connect outcomes needed before a member's failure rate is judged; at most
		 * sliding-window-size (left unset, 5 or sliding-window-size if that is smaller).
		 */
		private int minimumNumberOfCalls = 5;

		/** Whether the configuration sets minimum-number-of-calls: only then is one above the window a mistake. */
		private boolean minimumNumberOfCallsSet;

		/**
		 * How long an open breaker keeps its member out before letting trial connects through; a
		 * health check that shows a recovery, or a reload that changes the member's password, ends
		 * it early. A bare number means seconds.
		 */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration waitDurationInOpenState = Duration.ofSeconds(30);

		/**
		 * Connect outcomes of a half-open member that decide between closing and reopening the
		 * breaker, from 1 to 10000.
		 */
		private int permittedCallsInHalfOpenState = 2;

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getFailureRateThreshold() {
			return this.failureRateThreshold;
		}

		public void setFailureRateThreshold(int failureRateThreshold) {
			this.failureRateThreshold = failureRateThreshold;
		}

		public int getSlidingWindowSize() {
			return this.slidingWindowSize;
		}

		public void setSlidingWindowSize(int slidingWindowSize) {
			this.slidingWindowSize = slidingWindowSize;
		}

		public int getMinimumNumberOfCalls() {
			return this.minimumNumberOfCalls;
		}

		public void setMinimumNumberOfCalls(int minimumNumberOfCalls) {
			this.minimumNumberOfCalls = minimumNumberOfCalls;
			this.minimumNumberOfCallsSet = true;
		}

		/** Whether {@link #setMinimumNumberOfCalls} was called: the binder calls it for a value written only. */
		boolean minimumNumberOfCallsWasSet() {
			return this.minimumNumberOfCallsSet;
		}

		public Duration getWaitDurationInOpenState() {
			return this.waitDurationInOpenState;
		}

		public void setWaitDurationInOpenState(Duration waitDurationInOpenState) {
			this.waitDurationInOpenState = waitDurationInOpenState;
		}

		public int getPermittedCallsInHalfOpenState() {
			return this.permittedCallsInHalfOpenState;
		}

		public void setPermittedCallsInHalfOpenState(int permittedCallsInHalfOpenState) {
			this.permittedCallsInHalfOpenState = permittedCallsInHalfOpenState;
		}

	}

	/** Proxy settings for each connection type. */
	public static class Settings {

		/** Proxies for REST (request/response) connections. */
		private final Connection http = new Connection();

		/** Proxies for WebSocket (streaming) connections. */
		private final Connection websocket = new Connection();

		/** Cooldowns of members an exchange rate-limits, bans or geo-blocks. */
		private final RateLimit rateLimit = new RateLimit();

		public Connection getHttp() {
			return this.http;
		}

		public Connection getWebsocket() {
			return this.websocket;
		}

		public RateLimit getRateLimit() {
			return this.rateLimit;
		}

	}

	/** The settings of one exchange. */
	public static class ExchangeSettings extends Settings {

		/** Request hosts that belong to this exchange: exact names or '*.' wildcards for subdomains. */
		private List<String> hosts = new ArrayList<>();

		public List<String> getHosts() {
			return this.hosts;
		}

		/** @param hosts the patterns; {@code null} (set in code) is none, as when nothing is bound */
		public void setHosts(List<String> hosts) {
			this.hosts = (hosts != null) ? hosts : new ArrayList<>();
		}

	}

	/** The proxies for one connection type: a single URL, or a pool. */
	public static class Connection {

		/** A single proxy, scheme://[user:password@]host:port; used when no pool member is enabled. */
		private String url;

		/** Response timeout of each HTTP request through this pool (of a WebSocket, its opening handshake), 30s when neither this nor timeout-seconds is set; a bare number means seconds. */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration timeout;

		/** Response timeout in seconds, the original key for 'timeout'; prefer 'timeout'. Setting both to different values is an error. */
		private Integer timeoutSeconds;

		/** Pool members; a pool with at least one enabled member takes precedence over 'url'. */
		private List<Member> pool = new ArrayList<>();

		/** How to choose a pool member: round-robin, random, least-connections, weighted, or a custom strategy's name. */
		private String strategy = "round-robin";

		/** Background health checking of the pool's members. */
		private final HealthCheck healthCheck = new HealthCheck();

		/** How often one member may be used for one exchange within a window: connects (websocket) or requests (http). */
		private final Budget budget = new Budget();

		public String getUrl() {
			return this.url;
		}

		public void setUrl(String url) {
			this.url = url;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public Integer getTimeoutSeconds() {
			return this.timeoutSeconds;
		}

		public void setTimeoutSeconds(Integer timeoutSeconds) {
			this.timeoutSeconds = timeoutSeconds;
		}

		public List<Member> getPool() {
			return this.pool;
		}

		/** @param pool the members; {@code null} (set in code) is no pool, as when nothing is bound */
		public void setPool(List<Member> pool) {
			this.pool = (pool != null) ? pool : new ArrayList<>();
		}

		public String getStrategy() {
			return this.strategy;
		}

		public void setStrategy(String strategy) {
			this.strategy = strategy;
		}

		public HealthCheck getHealthCheck() {
			return this.healthCheck;
		}

		public Budget getBudget() {
			return this.budget;
		}

	}

	/** One proxy of a pool. */
	public static class Member {

		/** The proxy, scheme://[user:password@]host:port with scheme http, https (TLS to the proxy), socks4, socks5 or socks5h. */
		private String url;

		/** Relative share of selections under the weighted strategy, at least 1. */
		private Integer weight = 1;

		/** Whether this member may be selected. */
		private boolean enabled = true;

		/** Free-form labels such as region or provider. */
		private Map<String, String> metadata = new LinkedHashMap<>();

		public String getUrl() {
			return this.url;
		}

		public void setUrl(String url) {
			this.url = url;
		}

		public Integer getWeight() {
			return this.weight;
		}

		public void setWeight(Integer weight) {
			this.weight = weight;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public Map<String, String> getMetadata() {
			return this.metadata;
		}

		/** @param metadata the labels; {@code null} (set in code) is none, as when nothing is bound */
		public void setMetadata(Map<String, String> metadata) {
			this.metadata = (metadata != null) ? metadata : new LinkedHashMap<>();
		}

	}

	/** How members are checked in the background. */
	public static class HealthCheck {

		/** Whether to check members in the background. */
		private boolean enabled = true;

		/** How to check a member: tcp (connect and protocol greeting), http (a request through it) or ping. */
		private HealthCheckSettings.Method method = HealthCheckSettings.Method.TCP;

		/** Time between two checks of a member, from 1s to 24 days; a bare number means seconds. */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration interval = Duration.ofSeconds(30);

		/** Time one check attempt may take; a bare number means seconds. */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration timeout = Duration.ofSeconds(5);

		/** Attempts within one check before it counts as failed. */
		private int retryCount = 3;

		/** Consecutive failed checks that make a member unhealthy. */
		private int unhealthyThreshold = 2;

		/**
		 * Consecutive passed checks that make an unhealthy member healthy again; after a reload
		 * that changes its password, the check sent at once with the new one is enough.
		 */
		private int healthyThreshold = 2;

		/**
		 * Random spread of check times, as a percentage of the interval from 0% to 50%, e.g. 10% for a
		 * tenth; a number without % other than 0 is refused, as 0.1 could mean a tenth or 0.1%.
		 */
		private String jitter = "10%";

		/** URL requested through the proxy by the http method. */
		private String url;

		/** Response statuses that pass the http method, as a range (200-299) or list (200,204). */
		private String expectedStatus = "200-299";

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public HealthCheckSettings.Method getMethod() {
			return this.method;
		}

		public void setMethod(HealthCheckSettings.Method method) {
			this.method = method;
		}

		public Duration getInterval() {
			return this.interval;
		}

		public void setInterval(Duration interval) {
			this.interval = interval;
		}

		public Duration getTimeout() {
			return this.timeout;
		}

		public void setTimeout(Duration timeout) {
			this.timeout = timeout;
		}

		public int getRetryCount() {
			return this.retryCount;
		}

		public void setRetryCount(int retryCount) {
			this.retryCount = retryCount;
		}

		public int getUnhealthyThreshold() {
			return this.unhealthyThreshold;
		}

		public void setUnhealthyThreshold(int unhealthyThreshold) {
			this.unhealthyThreshold = unhealthyThreshold;
		}

		public int getHealthyThreshold() {
			return this.healthyThreshold;
		}

		public void setHealthyThreshold(int healthyThreshold) {
			this.healthyThreshold = healthyThreshold;
		}

		public String getJitter() {
			return this.jitter;
		}

		public void setJitter(String jitter) {
			this.jitter = jitter;
		}

		public String getUrl() {
			return this.url;
		}

		public void setUrl(String url) {
			this.url = url;
		}

		public String getExpectedStatus() {
			return this.expectedStatus;
		}

		public void setExpectedStatus(String expectedStatus) {
			this.expectedStatus = expectedStatus;
		}

	}

	/**
	 * How an exchange's answers put the member that carried them to rest for that exchange
	 * only. Not a proxy failure: breakers and health checks never see it. In an exchange's
	 * block every unset value comes from the default block.
	 */
	public static class RateLimit {

		/** Response statuses that put the member into a cooldown for the exchange; empty turns cooldowns off (default 429, 418, 451, 403). */
		private List<Integer> statuses;

		/** First cooldown when the answer has no Retry-After, doubled on each repeat up to max-cooldown (default 30s); a bare number means seconds. */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration cooldown;

		/** Longest cooldown the doubling reaches; a Retry-After is honoured even when longer (default 10m); a bare number means seconds. */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration maxCooldown;

		/** Statuses, among 'statuses', that mean the exchange refuses the member's location (default 451). */
		private List<Integer> geoBlockStatuses;

		/** Cooldown after a geo-block status, never doubled (default 1h); a bare number means seconds. */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration geoBlockCooldown;

		/** Whether a GET, HEAD, OPTIONS or WebSocket handshake answered with a cooldown status is sent once more through another member (default false: the answer goes back to the caller). */
		private Boolean retryOnCooldown;

		public List<Integer> getStatuses() {
			return this.statuses;
		}

		public void setStatuses(List<Integer> statuses) {
			this.statuses = statuses;
		}

		public Duration getCooldown() {
			return this.cooldown;
		}

		public void setCooldown(Duration cooldown) {
			this.cooldown = cooldown;
		}

		public Duration getMaxCooldown() {
			return this.maxCooldown;
		}

		public void setMaxCooldown(Duration maxCooldown) {
			this.maxCooldown = maxCooldown;
		}

		public List<Integer> getGeoBlockStatuses() {
			return this.geoBlockStatuses;
		}

		public void setGeoBlockStatuses(List<Integer> geoBlockStatuses) {
			this.geoBlockStatuses = geoBlockStatuses;
		}

		public Duration getGeoBlockCooldown() {
			return this.geoBlockCooldown;
		}

		public void setGeoBlockCooldown(Duration geoBlockCooldown) {
			this.geoBlockCooldown = geoBlockCooldown;
		}

		public Boolean getRetryOnCooldown() {
			return this.retryOnCooldown;
		}

		public void setRetryOnCooldown(Boolean retryOnCooldown) {
			this.retryOnCooldown = retryOnCooldown;
		}

	}

	/**
	 * A sliding-window budget per member and exchange, so a burst spreads over the pool's
	 * addresses instead of getting one banned: WebSocket connects on the websocket pool,
	 * requests on the http pool (kept-alive connections carry many requests, and exchanges
	 * limit requests per address). An exchange's block without its own budget uses the
	 * default block's.
	 */
	public static class Budget {

		/** Most WebSocket connects one member may open to one exchange within 'window' (websocket only); unset means no budget. */
		private Integer maxConnects;

		/** Most requests one member may carry to one exchange within 'window' (http only); unset means no budget. */
		private Integer maxRequests;

		/** The sliding window the budget counts in, e.g. 5m or 1s; required with a budget; a bare number means seconds. */
		@DurationUnit(ChronoUnit.SECONDS)
		private Duration window;

		public Integer getMaxConnects() {
			return this.maxConnects;
		}

		public void setMaxConnects(Integer maxConnects) {
			this.maxConnects = maxConnects;
		}

		public Integer getMaxRequests() {
			return this.maxRequests;
		}

		public void setMaxRequests(Integer maxRequests) {
			this.maxRequests = maxRequests;
		}

		public Duration getWindow() {
			return this.window;
		}

		public void setWindow(Duration window) {
			this.window = window;
		}

	}

}
