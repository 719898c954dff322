package io.cryptofeed.proxy.netty;

import java.io.IOException;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.cryptofeed.proxy.breaker.MemberCircuitBreakers;
import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyAttributes;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.testkit.BlackholeProxy;
import io.cryptofeed.proxy.testkit.Fault;
import io.cryptofeed.proxy.testkit.TestProxy;
import io.cryptofeed.proxy.testkit.target.TargetServer;
import io.cryptofeed.proxy.testsupport.CapturedLog;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.http.client.ClientHttpRequestFactoryBuilder;
import org.springframework.boot.http.client.autoconfigure.HttpClientAutoConfiguration;
import org.springframework.boot.http.client.autoconfigure.imperative.ImperativeHttpClientAutoConfiguration;
import org.springframework.boot.restclient.RestTemplateBuilder;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.restclient.autoconfigure.RestClientSsl;
import org.springframework.boot.restclient.autoconfigure.RestTemplateAutoConfiguration;
import org.springframework.boot.test.context.assertj.AssertableApplicationContext;
import org.springframework.boot.test.context.runner.AbstractApplicationContextRunner;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.ReactiveWebApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.ReactorClientHttpRequestFactory;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The blocking clients Boot builds (RestClient, RestTemplate) through a pool of in-JVM
 * proxies (two HTTP CONNECT, one SOCKS5 with a password), each leaving from its own loopback
 * address so the target can tell which one carried a request.
 */
@ExtendWith(OutputCaptureExtension.class)
class RestClientThroughPoolTests {

	private static final String SECRET = "canary-Re5t";

	private final ProxyTrio trio = new ProxyTrio("127.0.0.1", SECRET);

	private final TargetServer target = this.trio.target;

	@AfterEach
	void stop() {
		this.trio.close();
	}

	/** Boot's blocking HTTP client and RestClient/RestTemplate auto-configuration, beside the reactive one. */
	static ApplicationContextRunner runner() {
		return withBlockingClients(TransportTestSupport.runner());
	}

	/**
	 * The same in a reactive web application: Boot still makes a {@code RestClient.Builder}
	 * there, though neither its blocking HTTP client auto-configuration nor a
	 * {@code RestTemplateBuilder}.
	 */
	static ReactiveWebApplicationContextRunner reactiveRunner() {
		return withBlockingClients(TransportTestSupport.reactiveRunner());
	}

	static <R extends AbstractApplicationContextRunner<R, ?, ?>> R withBlockingClients(R runner) {
		return runner.withConfiguration(AutoConfigurations.of(HttpClientAutoConfiguration.class,
				ImperativeHttpClientAutoConfiguration.class, RestClientAutoConfiguration.class,
				RestTemplateAutoConfiguration.class));
	}

	/**
	 * Each {@code RestClient.Builder} makes a client of its own: built one after another, they
	 * share the tunnels through a member as one client would, rather than each opening one and
	 * leaving it idle in a connection pool of its own once it is dropped.
	 */
	@Test
	void clientsOfBuildersMadeOneAfterAnotherShareTheirTunnels() {
		runner().withPropertyValues("cryptofeed.proxy.default.http.url=" + this.trio.first.url()).run((context) -> {
			int clients = 10;
			for (int i = 0; i < clients; i++) {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				assertThat(client.get().uri(this.target.baseUrl() + "/whoami").retrieve().body(String.class))
					.isEqualTo("127.0.0.11");
			}
			assertThat(this.trio.first.tunnels()).as("tunnels for %d clients", clients).isLessThan(clients);
		});
	}

	@Test
	void aRedirectFromADirectHostToAPooledOneIsNotFollowedButAnswered() {
		OwnLoopsServer redirecting = TransportTestSupport.redirecting(this.target);
		try (CapturedLog log = CapturedLog.of(RouteKeepingRedirects.class)) {
			runner().withPropertyValues("cryptofeed.proxy.default.http.url=" + this.trio.first.url(),
					"cryptofeed.proxy.direct-hosts=localhost")
				.run((context) -> {
					RestClient client = context.getBean(RestClient.Builder.class).build();
					ResponseEntity<String> answer = client.get()
						.uri("http://localhost:" + redirecting.port() + "/to/127.0.0.1")
						.retrieve()
						.toEntity(String.class);
					assertThat(answer.getStatusCode().value()).isEqualTo(302);
					assertThat(this.target.requestsByPeer()).isEmpty();
					assertThat(log.warnings()).singleElement()
						.asString()
						.contains("a redirect from localhost to 127.0.0.1 was not followed");
					String followed = client.get()
						.uri("http://127.0.0.1:" + redirecting.port() + "/to/localhost")
						.attribute(ProxyAttributes.EXCHANGE, "binance")
						.retrieve()
						.body(String.class);
					assertThat(followed).as("a named exchange routes every hop alike").isEqualTo("127.0.0.11");
				});
		}
		finally {
			// not disposeNow: it would wait for connections the proxies or the pools keep open, and fail
			redirecting.close();
		}
	}

	@Test
	void roundRobinSpreadsRequestsEvenlyOverTheMembers() {
		runWithPool((context, client) -> {
			for (int i = 0; i < 30; i++) {
				assertThat(whoami(client)).startsWith("127.0.0.1");
			}
			assertThat(this.target.requestsByPeer()).containsOnly(Map.entry("127.0.0.11", 10),
					Map.entry("127.0.0.12", 10), Map.entry("127.0.0.13", 10));
		});
	}

	@Test
	void aRestTemplateFromBootsBuilderGoesThroughThePoolWithFailoverToo() {
		this.trio.first.fault(Fault.REFUSE);
		runWithPool((context, client) -> {
			RestTemplate restTemplate = context.getBean(RestTemplateBuilder.class).build();
			for (int i = 0; i < 6; i++) {
				restTemplate.getForObject(this.target.baseUrl() + "/whoami", String.class);
			}
			assertThat(this.target.requestsByPeer()).containsOnlyKeys("127.0.0.12", "127.0.0.13");
			assertThat(this.target.requestsByPeer().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(6);
		});
	}

	/** As docs/migration.md tells a user to build one. */
	@Test
	void aBlockingClientBuiltByHandWithTheInterceptorFailsOverToo() {
		this.trio.first.fault(Fault.REFUSE);
		runWithPool((context, bootsClient) -> {
			ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
			RestClient client = RestClient.builder()
				.requestFactory(new ReactorClientHttpRequestFactory(
						clients.apply(clients.newHttpClient(), ConnectionType.HTTP)))
				.requestInterceptor(new ProxyPoolRequestInterceptor(clients))
				.build();
			for (int i = 0; i < 6; i++) {
				whoami(client);
			}
			assertThat(this.target.requestsByPeer()).containsOnlyKeys("127.0.0.12", "127.0.0.13");
			assertThat(this.target.requestsByPeer().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(6);
		});
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "REFUSE", "HANG", "RESET", "STATUS_407", "STATUS_500" })
	void aFailingHttpProxyIsSkippedAndEveryRequestSucceeds(String fault) throws Exception {
		this.trio.first.fault((Fault) Fault.class.getField(fault).get(null));
		runWithPool((context, client) -> {
			for (int i = 0; i < 12; i++) {
				whoami(client);
			}
			assertThat(this.target.requestsByPeer()).doesNotContainKey("127.0.0.11");
			assertThat(this.target.requestsByPeer().values().stream().mapToInt(Integer::intValue).sum())
				.isEqualTo(12);
		}, TransportTestSupport.FAILED_OVER_HANDSHAKE_TIMEOUT);
	}

	/**
	 * A POST whose body is streamed (written in two parts, a MiB in all) or multipart goes
	 * through another member when the first refuses the connect: nothing of it was sent yet,
	 * and the next member's tunnel carries all of it, once.
	 */
	@Test
	void aStreamedOrMultipartPostRefusedByOneMemberReachesTheTargetWholeOnceThroughAnother() {
		this.trio.first.fault(Fault.REFUSE);
		byte[] streamed = new byte[1024 * 1024];
		Arrays.fill(streamed, (byte) 'x');
		streamed[streamed.length - 1] = 'y';
		runWithPool((context, client) -> {
			for (int i = 0; i < 3; i++) {
				byte[] echoed = client.post()
					.uri(this.target.baseUrl() + "/echo")
					.contentType(MediaType.APPLICATION_OCTET_STREAM)
					.body((out) -> {
						out.write(streamed, 0, 1000);
						out.write(streamed, 1000, streamed.length - 1000);
					})
					.retrieve()
					.body(byte[].class);
				assertThat(echoed).isEqualTo(streamed);
				MultipartBodyBuilder parts = new MultipartBodyBuilder();
				parts.part("order", "order-" + i);
				String multipart = client.post()
					.uri(this.target.baseUrl() + "/echo")
					.contentType(MediaType.MULTIPART_FORM_DATA)
					.body(parts.build())
					.retrieve()
					.body(String.class);
				assertThat(multipart).contains("name=\"order\"", "order-" + i);
			}
			PoolMember refusing = pool(context).members().get(0);
			assertThat(context.getBean(MemberCircuitBreakers.class).breakerOf(refusing).getMetrics().getNumberOfFailedCalls())
				.as("requests failed over from the refusing member")
				.isPositive();
			assertThat(this.target.requestsByPeer()).doesNotContainKey("127.0.0.11");
			assertThat(this.target.requestsByPeer().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(6);
		}, "cryptofeed.proxy.default.http.strategy=round-robin");
	}

	/**
	 * With {@code spring.threads.virtual.enabled} the blocking clients are called from virtual
	 * threads: each request's attempt still reaches its connect (a thread-local of the caller's)
	 * and fails over. Java 21 and later; the executor is looked up by name, as the tests compile
	 * for Java 17.
	 */
	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void requestsFromVirtualThreadsFailOverToo() throws Exception {
		this.trio.first.fault(Fault.REFUSE);
		Method isVirtual = Thread.class.getMethod("isVirtual");
		runWithPool((context, client) -> {
			ExecutorService virtualThreads = (ExecutorService) Executors.class
				.getMethod("newVirtualThreadPerTaskExecutor")
				.invoke(null);
			try {
				List<Future<String>> answers = new ArrayList<>();
				for (int i = 0; i < 12; i++) {
					answers.add(virtualThreads
						.submit(() -> isVirtual.invoke(Thread.currentThread()) + " " + whoami(client)));
				}
				for (Future<String> answer : answers) {
					assertThat(answer.get(10, TimeUnit.SECONDS)).matches("true 127\\.0\\.0\\.1[23]");
				}
			}
			finally {
				virtualThreads.shutdownNow();
			}
			PoolMember refusing = pool(context).members().get(0);
			assertThat(context.getBean(MemberCircuitBreakers.class).breakerOf(refusing).getMetrics().getNumberOfFailedCalls())
				.as("tries through the refusing member")
				.isPositive();
			assertThat(this.target.requestsByPeer()).doesNotContainKey("127.0.0.11");
			assertThat(pool(context).members()).allSatisfy((member) -> assertThat(member.activeLeases()).isZero());
		});
	}

	@Test
	void aSocksProxyRefusingTheCredentialsIsSkipped() {
		this.trio.third.fault(Fault.AUTH_FAIL);
		runWithPool((context, client) -> {
			for (int i = 0; i < 12; i++) {
				whoami(client);
			}
			assertThat(this.target.requestsByPeer()).doesNotContainKey("127.0.0.13").hasSize(2);
		});
	}

	@Test
	void interceptorsAddedToBootsBuilderRunAgainForEachTry() {
		this.trio.first.fault(Fault.STATUS_407);
		runWithPool((context, bootsClient) -> {
			AtomicInteger signed = new AtomicInteger();
			RestClient client = context.getBean(RestClient.Builder.class).requestInterceptor((request, body, next) -> {
				signed.incrementAndGet();
				return next.execute(request, body);
			}).build();
			for (int i = 0; i < 6; i++) {
				whoami(client);
			}
			assertThat(this.trio.first.accepted()).as("tries through the member answering 407").isPositive();
			assertThat(signed).hasValue(6 + this.trio.first.accepted());
		});
	}

	/**
	 * Boot's {@code RestTemplateBuilder} sets the interceptors given to it before the
	 * customizers run, so the pools' interceptor comes after the application's: those run once
	 * per request, however many members its tries go through.
	 */
	@Test
	void interceptorsGivenToBootsRestTemplateBuilderRunOncePerRequest() {
		this.trio.first.fault(Fault.STATUS_407);
		runWithPool((context, bootsClient) -> {
			AtomicInteger signed = new AtomicInteger();
			RestTemplate restTemplate = context.getBean(RestTemplateBuilder.class)
				.additionalInterceptors((request, body, next) -> {
					signed.incrementAndGet();
					return next.execute(request, body);
				})
				.build();
			for (int i = 0; i < 6; i++) {
				restTemplate.getForObject(this.target.baseUrl() + "/whoami", String.class);
			}
			assertThat(this.trio.first.accepted()).as("tries through the member answering 407").isPositive();
			assertThat(signed).hasValue(6);
		});
	}

	/**
	 * The pools' interceptor added once more to Boot's builder, which has it already (as
	 * docs/migration.md tells for a client built by hand): the request goes through the pools
	 * once, fails over, and is neither named in the warning of requests that went out without
	 * the pools nor counted as such.
	 */
	@Test
	void thePoolsInterceptorAddedAgainToBootsBuilderRoutesEachRequestOnce(CapturedOutput output) {
		this.trio.first.fault(Fault.REFUSE);
		runWithPool((context, bootsClient) -> {
			ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
			RestClient client = context.getBean(RestClient.Builder.class)
				.requestInterceptor(new ProxyPoolRequestInterceptor(clients))
				.build();
			for (int i = 0; i < 6; i++) {
				assertThat(whoami(client)).isIn("127.0.0.12", "127.0.0.13");
			}
			assertThat(pool(context).failovers()).as("tries failed over from the refusing member").isPositive();
			assertThat(clients.directRoutes().count(ConnectionType.HTTP, DirectRoutes.Reason.UNPOOLED_CLIENT)).isZero();
			assertThat(output).doesNotContain("went out without the pools");
		});
	}

	@Test
	void aRequestThatAnInterceptorOfTheApplicationsSendsAgainGoesThroughItsExchangesPoolAgain() {
		runner().withPropertyValues("cryptofeed.proxy.exchanges.binance.http.pool[0].url=" + this.trio.second.url(),
				"cryptofeed.proxy.default.http.url=" + this.trio.first.url())
			.run((context) -> {
				// sends a request that the exchange answers with a 5xx twice more, as an interceptor
				// that retries, or signs anew after a refusal, does
				RestClient client = context.getBean(RestClient.Builder.class).requestInterceptor((request, body, next) -> {
					ClientHttpResponse response = next.execute(request, body);
					for (int i = 0; i < 2 && response.getStatusCode().is5xxServerError(); i++) {
						response.close();
						response = next.execute(request, body);
					}
					return response;
				}).build();
				int status = client.get()
					.uri(this.target.baseUrl() + "/status/503")
					.attribute(ProxyAttributes.EXCHANGE, "binance")
					.exchange((request, response) -> response.getStatusCode().value());
				assertThat(status).isEqualTo(503);
				assertThat(this.target.requestsByPeer()).containsOnly(Map.entry("127.0.0.12", 3));
				ProxyPool binance = context.getBean(ProxyPools.class)
					.resolve("binance", ConnectionType.HTTP)
					.orElseThrow();
				assertThat(binance.failovers()).as("sends the application repeats are no failovers").isZero();
			});
	}

	@Test
	void theBreakerTakesARefusingMemberOut() {
		this.trio.first.fault(Fault.REFUSE);
		runWithPool((context, client) -> {
			ProxyPool pool = pool(context);
			PoolMember failing = pool.members().get(0);
			CircuitBreaker breaker = context.getBean(MemberCircuitBreakers.class).breakerOf(failing);
			for (int i = 0; i < 9; i++) {
				whoami(client);
			}
			assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
			assertThat(pool.availableMembers()).doesNotContain(failing);
			int failedSoFar = breaker.getMetrics().getNumberOfFailedCalls();
			for (int i = 0; i < 9; i++) {
				whoami(client);
			}
			assertThat(breaker.getMetrics().getNumberOfFailedCalls()).as("tries of the member whose breaker is open")
				.isEqualTo(failedSoFar);
		});
	}

	@Test
	void whenEveryMemberFailsTheErrorNamesEachWithoutCredentials() {
		this.trio.first.fault(Fault.REFUSE);
		this.trio.second.fault(Fault.STATUS_500);
		this.trio.third.fault(Fault.AUTH_FAIL);
		runWithPool((context, client) -> assertThatExceptionOfType(ResourceAccessException.class)
			.isThrownBy(() -> whoami(client))
			.havingCause()
			.isInstanceOfSatisfying(ProxyConnectFailedException.class, (failure) -> {
				assertThat(failure.getMessage()).contains("exchange=default", "type=http", "tried=3", this.trio.first.url(),
						this.trio.second.url(), "socks5://***@127.0.0.1:" + this.trio.third.port())
					.doesNotContain(SECRET);
				assertThat(failure.failures()).hasSize(3);
			}));
	}

	@Test
	void whenEveryMemberLeftToTryFailsTheErrorNamesEachThoughAnotherIsSetAside() {
		this.trio.first.fault(Fault.REFUSE);
		this.trio.second.fault(Fault.STATUS_500);
		runWithPool((context, client) -> {
			ProxyPool pool = pool(context);
			// the third is set aside: once the others failed, selection finds no member left
			pool.setUnavailable(pool.members().get(2), Unavailability.UNHEALTHY, true);
			assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(() -> whoami(client))
				.havingCause()
				.isInstanceOfSatisfying(ProxyConnectFailedException.class, (failure) -> {
					assertThat(failure.getMessage()).contains("exchange=default", "type=http", "tried=2",
							this.trio.first.url(), this.trio.second.url());
					assertThat(failure.failures()).hasSize(2);
				});
		});
	}

	@Test
	void anExchangeAttributeChoosesThatExchangesPool() {
		runner().withPropertyValues("cryptofeed.proxy.exchanges.binance.http.url=" + this.trio.second.url(),
				"cryptofeed.proxy.default.http.url=" + this.trio.first.url())
			.run((context) -> {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				for (int i = 0; i < 3; i++) {
					client.get()
						.uri(this.target.baseUrl() + "/whoami")
						.attribute(ProxyAttributes.EXCHANGE, "binance")
						.retrieve()
						.body(String.class);
					whoami(client);
				}
				assertThat(this.target.requestsByPeer()).containsOnly(Map.entry("127.0.0.12", 3),
						Map.entry("127.0.0.11", 3));
			});
	}

	/** Ids match ignoring case, '-' and '_': the enum constant COINBASE_PRO names exchange coinbase-pro. */
	@Test
	void anEnumConstantAttributeNamesTheExchangeConfiguredWithADash() {
		runner().withPropertyValues("cryptofeed.proxy.exchanges.coinbase-pro.http.url=" + this.trio.second.url(),
				"cryptofeed.proxy.default.http.url=" + this.trio.first.url())
			.run((context) -> {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				String peer = client.get()
					.uri(this.target.baseUrl() + "/whoami")
					.attribute(ProxyAttributes.EXCHANGE, Venue.COINBASE_PRO)
					.retrieve()
					.body(String.class);
				assertThat(peer).isEqualTo("127.0.0.12");
				assertThat(this.trio.first.tunnels()).isZero();
			});
	}

	@Test
	void aDirectHostIsReachedWithoutAProxyAndCounted() {
		runner().withPropertyValues("cryptofeed.proxy.direct-hosts=localhost",
				"cryptofeed.proxy.default.http.url=" + this.trio.first.url())
			.run((context) -> {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				DirectRoutes routes = context.getBean(ProxyPoolHttpClients.class).directRoutes();
				assertThat(client.get()
					.uri("http://localhost:" + this.target.port() + "/whoami")
					.retrieve()
					.body(String.class)).isEqualTo("127.0.0.1");
				assertThat(this.trio.first.accepted()).isZero();
				assertThat(routes.count(ConnectionType.HTTP, DirectRoutes.Reason.DIRECT_HOST)).isOne();
				assertThat(whoami(client)).as("a host that is not direct").isEqualTo("127.0.0.11");
			});
	}

	@Test
	void aGetWhoseTunnelStallsAfterItIsUpIsSentOnceMoreThroughAnotherMember() {
		runWithPool((context, client) -> {
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> client.get().uri(this.target.baseUrl() + "/delay/3000").retrieve().body(String.class))
				.withRootCauseInstanceOf(io.netty.handler.timeout.ReadTimeoutException.class);
			// the first member's answer never came within the pool timeout; a second member was tried, no third
			assertThat(this.trio.tunnels()).isEqualTo(2);
			// each request was sent before its timeout fired, yet a busy proxy may relay it later
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(this.target.requestsByPeer()).hasSize(2)
					.allSatisfy((peer, count) -> assertThat(count).isOne()));
		}, "cryptofeed.proxy.default.http.timeout=300ms");
	}

	@Test
	void whenAGetStallsThroughTheLastMemberLeftAfterAnotherFailedToConnectTheErrorNamesBoth() {
		this.trio.first.fault(Fault.REFUSE);
		this.trio.second.fault(Fault.STALL);
		runner().withPropertyValues(TransportTestSupport.pool("default.http", this.trio.first.url(),
				this.trio.second.url()))
			.withPropertyValues("cryptofeed.proxy.default.http.timeout=" + TransportTestSupport.STALLED_ANSWER_TIMEOUT)
			.run((context) -> {
				ProxyPool pool = pool(context);
				PoolMember stalling = pool.members().get(1);
				// the refusing member is tried first: the stalling one is back once it refused
				pool.setUnavailable(stalling, Unavailability.DRAINED, true);
				RestClient client = context.getBean(RestClient.Builder.class).requestInterceptor((request, body, next) -> {
					try {
						return next.execute(request, body);
					}
					catch (IOException ex) {
						pool.setUnavailable(stalling, Unavailability.DRAINED, false);
						throw ex;
					}
				}).build();
				assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(() -> whoami(client))
					.havingCause()
					.isInstanceOfSatisfying(ProxyConnectFailedException.class, (failure) -> {
						assertThat(failure.getMessage()).contains("exchange=default", "type=http", "tried=2");
						assertThat(failure.failures()).satisfiesExactly(
								(refused) -> assertThat(refused).startsWith(this.trio.first.url() + " -> "),
								(stalled) -> assertThat(stalled)
									.isEqualTo(this.trio.second.url() + " -> ReadTimeoutException"));
					});
			});
	}

	/** As {@code WebClientThroughPoolTests#aGetThatStalledWithEveryOtherMemberSetAsideFailsWithTheTimeoutItself}. */
	@Test
	void aGetThatStalledWithEveryOtherMemberSetAsideFailsWithTheTimeoutItself() {
		this.trio.first.fault(Fault.STALL);
		runWithPool((context, client) -> {
			ProxyPool pool = pool(context);
			pool.setUnavailable(pool.members().get(1), Unavailability.UNHEALTHY, true);
			pool.setUnavailable(pool.members().get(2), Unavailability.UNHEALTHY, true);
			assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(() -> whoami(client))
				.withRootCauseExactlyInstanceOf(io.netty.handler.timeout.ReadTimeoutException.class);
			assertThat(this.trio.first.tunnels()).isOne();
		}, "cryptofeed.proxy.default.http.timeout=" + TransportTestSupport.STALLED_ANSWER_TIMEOUT);
	}

	@Test
	void aMemberWhoseTunnelStallsIsSkippedForAGet() {
		this.trio.first.fault(Fault.STALL);
		runWithPool((context, client) -> {
			MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
			PoolMember stalling = pool(context).members().get(0);
			for (int i = 0; i < 3 && this.trio.first.tunnels() == 0; i++) {
				assertThat(whoami(client)).isIn("127.0.0.12", "127.0.0.13");
			}
			assertThat(this.trio.first.tunnels()).isOne();
			assertThat(breakers.breakerOf(stalling).getMetrics().getNumberOfFailedCalls()).isOne();
		}, "cryptofeed.proxy.default.http.timeout=" + TransportTestSupport.STALLED_ANSWER_TIMEOUT);
	}

	@Test
	void aPostWhoseTunnelStallsIsNeverSentTwice() {
		runWithPool((context, client) -> {
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(
						() -> client.post().uri(this.target.baseUrl() + "/delay/3000").retrieve().body(String.class))
				.withRootCauseInstanceOf(io.netty.handler.timeout.ReadTimeoutException.class);
			assertThat(this.trio.tunnels()).isOne();
			// sent before its timeout fired, yet a busy proxy may relay it later
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(this.target.requestsByPeer().values()).containsExactly(1));
		}, "cryptofeed.proxy.default.http.timeout=300ms");
	}

	/**
	 * A proxy that freezes while a GET waits for its answer on a keep-alive connection: once
	 * its health check finds it, the GET is cut and sent through the other member, long before
	 * the pool's 30 s response timeout; a POST fails instead, and is never sent twice.
	 */
	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "GET", "POST" })
	void aRequestStalledByAFrozenProxyIsCutOnceItsHealthCheckFails(String method) {
		withBlockingClients(TransportTestSupport.runnerCuttingQuietConnections("default.http"))
			.withPropertyValues(TransportTestSupport.pool("default.http", this.trio.first.url(), this.trio.second.url()))
			.run((context) -> {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				whoami(client);
				whoami(client);
				this.target.resetCounters();
				CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> client
					.method(HttpMethod.valueOf(method))
					.uri(this.target.baseUrl() + "/delay/2000")
					.retrieve()
					.body(String.class));
				await().atMost(Duration.ofSeconds(5)).until(() -> !this.target.requestsByPeer().isEmpty());
				TestProxy carrier = this.target.requestsByPeer().containsKey("127.0.0.11") ? this.trio.first
						: this.trio.second;
				carrier.fault(Fault.FREEZE);

				if (method.equals("GET")) {
					assertThat(answer.get(15, TimeUnit.SECONDS)).isEqualTo("delayed 2000");
					assertThat(this.target.requestsByPeer()).containsOnly(Map.entry("127.0.0.11", 1),
							Map.entry("127.0.0.12", 1));
				}
				else {
					assertThat(answer).failsWithin(Duration.ofSeconds(15))
						.withThrowableThat()
						.havingRootCause()
						.isInstanceOf(ProxyStalledException.class)
						.withMessageContaining("through proxy " + carrier.url() + " of pool default/http");
					assertThat(this.target.requestsByPeer()).hasSize(1).containsValue(1);
				}
				assertThat(pool(context).quietConnectionsCut()).isOne();
			});
	}

	/**
	 * A poller that gives up on a request ({@code Future.cancel(true)}, an executor's
	 * {@code shutdownNow()}) while its connect waits for a hung member's handshake: the call
	 * ends at once with the interrupt kept for the caller, no other member is tried, no member
	 * is blamed for the caller's interrupt, and the lease returns.
	 */
	@Test
	void anInterruptedRequestEndsAtOnceWithoutBlameOrFailover() throws Exception {
		this.trio.first.fault(Fault.HANG);
		this.trio.second.fault(Fault.HANG);
		runner().withPropertyValues(TransportTestSupport.pool("default.http", this.trio.first.url(), this.trio.second.url()))
			.withPropertyValues("cryptofeed.proxy.handshake-timeout=20s")
			.run((context) -> {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				ExecutorService poller = Executors.newSingleThreadExecutor();
				CompletableFuture<Throwable> thrown = new CompletableFuture<>();
				AtomicBoolean interruptKept = new AtomicBoolean();
				try {
					Future<?> request = poller.submit(() -> {
						try {
							whoami(client);
							thrown.complete(null);
						}
						catch (RuntimeException ex) {
							interruptKept.set(Thread.currentThread().isInterrupted());
							thrown.complete(ex);
						}
					});
					await().atMost(Duration.ofSeconds(5))
						.until(() -> this.trio.first.accepted() + this.trio.second.accepted() == 1);
					request.cancel(true);
					assertThat(thrown.get(3, TimeUnit.SECONDS)).isInstanceOf(ResourceAccessException.class)
						.hasRootCauseInstanceOf(InterruptedException.class);
				}
				finally {
					poller.shutdownNow();
				}
				assertThat(interruptKept).as("the interrupt, kept for the caller").isTrue();
				assertThat(this.trio.first.accepted() + this.trio.second.accepted()).as("members tried").isOne();
				MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
				assertThat(pool(context).members()).allSatisfy((member) -> {
					assertThat(breakers.breakerOf(member).getMetrics().getNumberOfFailedCalls()).isZero();
					assertThat(member.activeLeases()).isZero();
				});
			});
	}

	/**
	 * A GET interrupted while it waits for the exchange's answer through a tunnel that is up:
	 * it is no stall, so it is not sent once more, and the member is not blamed.
	 */
	@Test
	void aGetInterruptedWhileWaitingForItsAnswerIsNotSentAgain() {
		runWithPool((context, client) -> {
			ExecutorService poller = Executors.newSingleThreadExecutor();
			CompletableFuture<Throwable> thrown = new CompletableFuture<>();
			try {
				Future<?> request = poller.submit(() -> {
					try {
						thrown.complete(new AssertionError(
								"answered: " + client.get().uri(this.target.baseUrl() + "/delay/5000").retrieve().body(String.class)));
					}
					catch (RuntimeException ex) {
						thrown.complete(ex);
					}
				});
				await().atMost(Duration.ofSeconds(5)).until(() -> !this.target.requestsByPeer().isEmpty());
				request.cancel(true);
				assertThat(thrown.get(3, TimeUnit.SECONDS)).isInstanceOf(ResourceAccessException.class)
					.hasRootCauseInstanceOf(InterruptedException.class);
			}
			finally {
				poller.shutdownNow();
			}
			assertThat(this.trio.tunnels()).isOne();
			assertThat(this.target.requestsByPeer().values()).containsExactly(1);
			MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
			assertThat(pool(context).members()).allSatisfy((member) -> {
				assertThat(breakers.breakerOf(member).getMetrics().getNumberOfFailedCalls()).isZero();
				assertThat(member.activeLeases()).isZero();
			});
		});
	}

	/**
	 * A request made on a thread already interrupted (a pool's worker after
	 * {@code shutdownNow()}) fails at once, the interrupt still set, and no member is blamed.
	 */
	@Test
	void aRequestOnAnInterruptedThreadFailsAtOnceWithoutBlame() {
		runWithPool((context, client) -> {
			Thread.currentThread().interrupt();
			try {
				assertThatExceptionOfType(ResourceAccessException.class).isThrownBy(() -> whoami(client))
					.withRootCauseInstanceOf(InterruptedException.class);
				assertThat(Thread.currentThread().isInterrupted()).isTrue();
			}
			finally {
				Thread.interrupted();
			}
			MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
			assertThat(pool(context).members()).allSatisfy((member) -> {
				assertThat(breakers.breakerOf(member).getMetrics().getNumberOfFailedCalls()).isZero();
				assertThat(member.activeLeases()).isZero();
			});
			assertThat(whoami(client)).as("the next request, not interrupted").startsWith("127.0.0.1");
		});
	}

	/**
	 * The same while a failover is under way: a member answered its handshake with 407, the
	 * request went on to a hung one, and there the caller gives up. No third member is tried,
	 * and only the member that refused is blamed.
	 */
	@Test
	void aRequestInterruptedDuringItsFailoverTriesNoFurtherMember() {
		this.trio.first.fault(Fault.STATUS_407);
		this.trio.second.fault(Fault.HANG);
		this.trio.third.fault(Fault.HANG);
		runWithPool((context, client) -> {
			ExecutorService poller = Executors.newSingleThreadExecutor();
			MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
			boolean interruptedAfterFailover = false;
			try {
				// round-robin starts anywhere: within three requests one starts at the refusing member
				for (int i = 0; i < 3 && !interruptedAfterFailover; i++) {
					this.trio.first.resetCounters();
					this.trio.second.resetCounters();
					this.trio.third.resetCounters();
					CompletableFuture<Throwable> thrown = new CompletableFuture<>();
					Future<?> request = poller.submit(() -> {
						try {
							thrown.complete(new AssertionError("answered: " + whoami(client)));
						}
						catch (RuntimeException ex) {
							thrown.complete(ex);
						}
					});
					await().atMost(Duration.ofSeconds(5))
						.until(() -> this.trio.second.accepted() + this.trio.third.accepted() == 1);
					interruptedAfterFailover = this.trio.first.accepted() == 1;
					request.cancel(true);
					assertThat(thrown.get(3, TimeUnit.SECONDS)).isInstanceOf(ResourceAccessException.class)
						.hasRootCauseInstanceOf(InterruptedException.class);
					assertThat(this.trio.second.accepted() + this.trio.third.accepted()).as("hung members tried")
						.isOne();
				}
			}
			finally {
				poller.shutdownNow();
			}
			assertThat(interruptedAfterFailover).isTrue();
			List<PoolMember> members = pool(context).members();
			assertThat(breakers.breakerOf(members.get(0)).getMetrics().getNumberOfFailedCalls()).isOne();
			assertThat(members.subList(1, 3)).allSatisfy((member) -> {
				assertThat(breakers.breakerOf(member).getMetrics().getNumberOfFailedCalls()).isZero();
				assertThat(member.activeLeases()).isZero();
			});
			assertThat(members.get(0).activeLeases()).isZero();
		}, "cryptofeed.proxy.handshake-timeout=20s");
	}

	/** The other way round: a read timeout of Boot's longer than the pool's leaves the pool's to end it. */
	@Test
	void thePoolsShorterTimeoutEndsARequestDespiteALongerReadTimeout() {
		runWithPool((context, client) -> {
			long started = System.nanoTime();
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(
						() -> client.post().uri(this.target.baseUrl() + "/delay/8000").retrieve().body(String.class))
				.withRootCauseInstanceOf(io.netty.handler.timeout.ReadTimeoutException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
			assertThat(this.trio.tunnels()).isOne();
		}, "cryptofeed.proxy.default.http.timeout=300ms", "spring.http.clients.read-timeout=20s");
	}

	/**
	 * A GET ended by the caller's short read timeout: the caller's deadline, so it is not sent
	 * once more through another member (which would wait as long again), and no member is
	 * blamed, since a target slower than the caller's patience says nothing of the proxy. It was
	 * sent again as after the pool's own timeout, and with one attempt allowed its member blamed.
	 */
	@ParameterizedTest(name = "max-attempts {0}")
	@ValueSource(ints = { 3, 1 })
	void aGetEndedByTheCallersShortReadTimeoutIsNeitherSentAgainNorBlamed(int maxAttempts) {
		runWithPool((context, client) -> {
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(() -> client.get().uri(this.target.baseUrl() + "/delay/5000").retrieve().body(String.class))
				.withRootCauseInstanceOf(io.netty.handler.timeout.ReadTimeoutException.class);
			assertThat(this.trio.tunnels()).as("tunnels opened").isOne();
			MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
			assertThat(pool(context).members()).allSatisfy((member) -> {
				assertThat(breakers.breakerOf(member).getMetrics().getNumberOfFailedCalls()).isZero();
				assertThat(member.isAvailable()).isTrue();
				assertThat(member.activeLeases()).isZero();
			});
			assertThat(this.target.requestsByPeer().values()).containsExactly(1);
		}, "spring.http.clients.read-timeout=300ms", "cryptofeed.proxy.failover.max-attempts=" + maxAttempts);
	}

	/**
	 * A caller that takes the response with {@code exchange(…, false)} and leaves it unread
	 * and open: the lease is back once the answer arrived, not held until the body is closed,
	 * and the member goes on carrying requests.
	 */
	@Test
	void aResponseLeftOpenDoesNotHoldItsLease() {
		runner().withPropertyValues(TransportTestSupport.pool("default.http", this.trio.first.url())).run((context) -> {
			RestClient client = context.getBean(RestClient.Builder.class).build();
			PoolMember member = pool(context).members().get(0);
			try (ClientHttpResponse open = client.get()
				.uri(this.target.baseUrl() + "/whoami")
				.exchange((request, response) -> response, false)) {
				assertThat(open.getStatusCode().value()).isEqualTo(200);
				assertThat(member.activeLeases()).isZero();
				assertThat(whoami(client)).isEqualTo("127.0.0.11");
				assertThat(member.activeLeases()).isZero();
			}
		});
	}

	/**
	 * Boot's {@code spring.http.clients.read-timeout}, shorter than the pool's {@code timeout}:
	 * it wins, and a POST it ends is never sent again through another member, nor is its
	 * member blamed for the caller's impatience.
	 */
	@Test
	void aCallersShortReadTimeoutEndsAPostOnceWithoutBlame() {
		runWithPool((context, client) -> {
			long started = System.nanoTime();
			assertThatExceptionOfType(ResourceAccessException.class)
				.isThrownBy(
						() -> client.post().uri(this.target.baseUrl() + "/delay/5000").retrieve().body(String.class))
				.withRootCauseInstanceOf(io.netty.handler.timeout.ReadTimeoutException.class);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(4));
			assertThat(this.trio.tunnels()).isOne();
			MemberCircuitBreakers breakers = context.getBean(MemberCircuitBreakers.class);
			assertThat(pool(context).members()).allSatisfy((member) -> {
				assertThat(breakers.breakerOf(member).getMetrics().getNumberOfFailedCalls()).isZero();
				assertThat(member.activeLeases()).isZero();
			});
			await().atMost(Duration.ofSeconds(10))
				.untilAsserted(() -> assertThat(this.target.requestsByPeer().values()).containsExactly(1));
		}, "spring.http.clients.read-timeout=300ms");
	}

	/**
	 * A feed handler's poller of 64 threads through a pool of three whose first member hangs:
	 * no request waits much longer than the handshake timeout and a success, every request is
	 * answered, and the leases and the hung member's connections are back to zero afterwards.
	 */
	@Test
	void sixtyFourThreadsThroughAPoolWithAHungMemberAreEachAnsweredAndLeaveNothingBehind() {
		this.trio.first.fault(Fault.HANG);
		runWithPool((context, client) -> {
			ExecutorService poller = Executors.newFixedThreadPool(64);
			try {
				List<Future<Duration>> requests = new ArrayList<>();
				for (int i = 0; i < 64; i++) {
					requests.add(poller.submit(() -> {
						long started = System.nanoTime();
						assertThat(whoami(client)).isIn("127.0.0.12", "127.0.0.13");
						return Duration.ofNanos(System.nanoTime() - started);
					}));
				}
				for (Future<Duration> request : requests) {
					assertThat(request.get(20, TimeUnit.SECONDS)).isLessThan(Duration.ofSeconds(5));
				}
			}
			finally {
				poller.shutdownNow();
			}
			assertThat(this.target.requestsByPeer().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(64);
			ProxyPoolHttpClients clients = context.getBean(ProxyPoolHttpClients.class);
			PoolMember hung = pool(context).members().get(0);
			assertThat(pool(context).members()).allSatisfy((member) -> assertThat(member.activeLeases()).isZero());
			await().atMost(Duration.ofSeconds(5)).until(() -> clients.openConnections(hung) == 0);
		}, TransportTestSupport.FAILED_OVER_HANDSHAKE_TIMEOUT);
	}

	@Test
	void leasesReturnToZeroAfterSuccessesAndFailures() {
		this.trio.first.fault(Fault.REFUSE);
		runWithPool((context, client) -> {
			PoolMember refusing = pool(context).members().get(0);
			CircuitBreaker.Metrics refusals = context.getBean(MemberCircuitBreakers.class).breakerOf(refusing).getMetrics();
			TransportTestSupport.sendUntilFailedThrough(refusals, () -> whoami(client));
			assertThat(pool(context).members()).allSatisfy((m) -> assertThat(m.activeLeases()).isZero());
		}, "cryptofeed.proxy.default.http.strategy=least-connections");
	}

	@Test
	void withRetryOnCooldownAGetIsAnsweredThroughAnotherMember() {
		runWithPool((context, client) -> {
			for (int i = 0; i < 3; i++) {
				assertThat(status(client.get(), "/status/429?retry-after=30&peer=127.0.0.11")).isEqualTo(200);
			}
			// the limited member was asked once, then never again; the retry went elsewhere
			assertThat(this.target.requestsByPeer()).containsEntry("127.0.0.11", 1);
			assertThat(this.target.requestsByPeer().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(4);
		}, "cryptofeed.proxy.default.rate-limit.retry-on-cooldown=true");
	}

	@Test
	void withRetryOnCooldownAPostIsNeverSentTwice() {
		runWithPool((context, client) -> {
			List<Integer> statuses = new ArrayList<>();
			for (int i = 0; i < 3; i++) {
				statuses.add(status(client.post(), "/status/429?peer=127.0.0.11"));
			}
			assertThat(statuses).containsExactlyInAnyOrder(429, 200, 200);
			assertThat(this.target.requestsByPeer().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(3);
		}, "cryptofeed.proxy.default.rate-limit.retry-on-cooldown=true");
	}

	@Test
	void whenEveryMemberIsRefusedTheRetryGivesTheCallerTheExchangesAnswer() {
		runWithPool((context, client) -> {
			assertThat(status(client.get(), "/status/429?retry-after=30")).isEqualTo(429);
			assertThat(this.target.requestsByPeer()).hasSize(3);
		}, "cryptofeed.proxy.default.rate-limit.retry-on-cooldown=true");
	}

	@Test
	void anotherRequestFactoryIsNamedInAWarningAndItsRequestsGoDirect(CapturedOutput output) {
		runWithPool((context, client) -> {
			assertThat(whoami(client)).isEqualTo("127.0.0.1");
			assertThat(this.trio.first.accepted() + this.trio.second.accepted() + this.trio.third.accepted()).isZero();
			assertThat(output).contains("proxy pools: RestClient and RestTemplate requests go direct",
					"JdkClientHttpRequestFactoryBuilder", "spring.http.clients.imperative.factory=reactor");
		}, "spring.http.clients.imperative.factory=jdk");
	}

	@Test
	void aRequestFactorySetByHandOnBootsBuilderIsNamedInAWarningOnce() {
		runWithPool((context, bootsClient) -> {
			RestClient client = context.getBean(RestClient.Builder.class)
				.requestFactory(new JdkClientHttpRequestFactory())
				.build();
			try (CapturedLog log = CapturedLog.of(ProxyPoolRequestInterceptor.class)) {
				assertThat(whoami(client)).isEqualTo("127.0.0.1");
				assertThat(whoami(client)).isEqualTo("127.0.0.1");
				assertThat(log.warnings()).singleElement()
					.asString()
					.contains("a RestClient or RestTemplate request went out without the pools");
				assertThat(whoami(bootsClient)).as("the pooled client").isNotEqualTo("127.0.0.1");
				assertThat(log.warnings()).hasSize(1);
				assertThat(context.getBean(ProxyPoolHttpClients.class)
					.directRoutes()
					.count(ConnectionType.HTTP, DirectRoutes.Reason.UNPOOLED_CLIENT)).as("counted as direct, and why")
					.isEqualTo(2);
			}
		});
	}

	@Test
	void bootsConnectTimeoutBoundsDirectConnectsAndThePoolsOneEachConnectToAProxy() {
		try (BlackholeProxy one = BlackholeProxy.start(); BlackholeProxy other = BlackholeProxy.start()) {
			String[] properties = { "cryptofeed.proxy.default.http.pool[0].url=" + one.url(),
					"cryptofeed.proxy.default.http.pool[1].url=" + other.url(),
					"cryptofeed.proxy.direct-hosts=127.0.0.0/8", "cryptofeed.proxy.connect-timeout=300ms",
					"cryptofeed.proxy.handshake-timeout=30s", "spring.http.clients.connect-timeout=700ms" };
			runner().withPropertyValues(properties).run((context) -> {
				RestClient client = context.getBean(RestClient.Builder.class).build();
				// a name is never matched against an address range: localhost goes through the pool
				String viaPool = "http://localhost:" + this.target.port() + "/whoami";
				assertThatExceptionOfType(ResourceAccessException.class)
					.isThrownBy(() -> client.get().uri(viaPool).retrieve().toBodilessEntity())
					.havingCause()
					.isInstanceOfSatisfying(ProxyConnectFailedException.class,
							(failure) -> assertThat(failure.failures()).hasSize(2)
								.allSatisfy((tried) -> assertThat(tried)
									.contains("ConnectTimeoutException: connection timed out after 300 ms")));
				assertThat(whoami(client)).as("a direct connection").isEqualTo("127.0.0.1");
				String unreachable = "http://127.0.0.1:" + one.port() + "/whoami";
				assertThatExceptionOfType(ResourceAccessException.class)
					.isThrownBy(() -> client.get().uri(unreachable).retrieve().toBodilessEntity())
					.withMessageContaining("connection timed out after 700 ms");
			});
		}
	}

	@Test
	void httpsRequestsGoThroughThePoolWithBootsSslBundle() {
		try (TargetServer tls = TargetServer.startTls("127.0.0.1")) {
			runWithPool((context, pooled) -> {
				RestClient client = context.getBean(RestClient.Builder.class)
					.apply(context.getBean(RestClientSsl.class).fromBundle(TransportTestSupport.TLS_TARGET_BUNDLE))
					.build();
				for (int i = 0; i < 6; i++) {
					client.get().uri(tls.baseUrl() + "/whoami").retrieve().body(String.class);
				}
				assertThat(tls.baseUrl()).startsWith("https://");
				assertThat(tls.requestsByPeer()).containsOnly(Map.entry("127.0.0.11", 2), Map.entry("127.0.0.12", 2),
						Map.entry("127.0.0.13", 2));
			});
		}
	}

	@Test
	void reactorNettysRequestFactoryGivesNoWarning(CapturedOutput output) {
		runWithPool((context, client) -> {
			try (CapturedLog log = CapturedLog.of(ProxyPoolRequestInterceptor.class)) {
				for (int i = 0; i < 6; i++) {
					assertThat(whoami(client)).isIn("127.0.0.11", "127.0.0.12", "127.0.0.13");
				}
				assertThat(log.warnings()).isEmpty();
			}
			assertThat(output).doesNotContain("requests go direct");
		});
	}

	@Test
	void inAReactiveApplicationBootsRestClientGoesThroughThePoolWithFailover() {
		this.trio.first.fault(Fault.REFUSE);
		try (CapturedLog log = CapturedLog.of(ProxyPoolRequestInterceptor.class)) {
			reactiveRunner().withPropertyValues(this.trio.pool("default.http")).run((context) -> {
				assertThat(context).hasNotFailed().doesNotHaveBean(RestTemplateBuilder.class);
				RestClient client = context.getBean(RestClient.Builder.class).build();
				for (int i = 0; i < 6; i++) {
					assertThat(whoami(client)).isIn("127.0.0.12", "127.0.0.13");
				}
				PoolMember refusing = pool(context).members().get(0);
				assertThat(context.getBean(MemberCircuitBreakers.class)
					.breakerOf(refusing)
					.getMetrics()
					.getNumberOfFailedCalls()).as("the refusing member was tried").isPositive();
				assertThat(this.trio.second.tunnels() + this.trio.third.tunnels()).isPositive();
				assertThat(this.target.requestsByPeer()).doesNotContainKeys("127.0.0.1", "127.0.0.11");
				assertThat(this.target.requestsByPeer().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(6);
				assertThat(context.getBean(ProxyPoolHttpClients.class)
					.directRoutes()
					.count(ConnectionType.HTTP, DirectRoutes.Reason.UNPOOLED_CLIENT)).isZero();
				assertThat(log.warnings()).isEmpty();
			});
		}
	}

	@Test
	void inAReactiveApplicationAnotherRequestFactoryIsNamedInAWarning(CapturedOutput output) {
		reactiveRunner().withPropertyValues(this.trio.pool("default.http"))
			.withPropertyValues("spring.http.clients.imperative.factory=jdk")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(whoami(context.getBean(RestClient.Builder.class).build())).isEqualTo("127.0.0.1");
				assertThat(output).contains("proxy pools: RestClient and RestTemplate requests go direct",
						"JdkClientHttpRequestFactoryBuilder", "spring.http.clients.imperative.factory=reactor");
			});
	}

	@Test
	void inAReactiveApplicationARequestFactoryBuilderOfTheApplicationsWinsAndIsNamedInAWarning(
			CapturedOutput output) {
		ClientHttpRequestFactoryBuilder<?> own = ClientHttpRequestFactoryBuilder.simple();
		reactiveRunner().withPropertyValues(this.trio.pool("default.http"))
			.withBean(ClientHttpRequestFactoryBuilder.class, () -> own)
			.run((context) -> {
				assertThat(context).getBean(ClientHttpRequestFactoryBuilder.class).isSameAs(own);
				assertThat(whoami(context.getBean(RestClient.Builder.class).build())).isEqualTo("127.0.0.1");
				assertThat(output).contains("proxy pools: RestClient and RestTemplate requests go direct",
						"SimpleClientHttpRequestFactoryBuilder");
			});
	}

	/**
	 * Boot customizes only the request factory builder it makes: one of the application's
	 * takes its place as it is, so its requests go direct, though it is Reactor Netty's.
	 */
	@Test
	void aReactorRequestFactoryBuilderOfTheApplicationsIsNamedAtStartUp(CapturedOutput output) {
		runner().withPropertyValues(this.trio.pool("default.http"))
			.withBean("ownRequestFactoryBuilder", ClientHttpRequestFactoryBuilder.class,
					ClientHttpRequestFactoryBuilder::reactor)
			.run((context) -> assertOwnRequestFactoryBuilderNamed(context, output, "ReactorClientHttpRequestFactoryBuilder"));
	}

	@Test
	void inAReactiveApplicationAReactorRequestFactoryBuilderOfTheApplicationsIsNamedAtStartUp(CapturedOutput output) {
		reactiveRunner().withPropertyValues(this.trio.pool("default.http"))
			.withBean("ownRequestFactoryBuilder", ClientHttpRequestFactoryBuilder.class,
					ClientHttpRequestFactoryBuilder::reactor)
			.run((context) -> assertOwnRequestFactoryBuilderNamed(context, output, "ReactorClientHttpRequestFactoryBuilder"));
	}

	/** The property that chooses Boot's factory does not change the application's: the warning must not offer it. */
	@Test
	void anotherRequestFactoryBuilderOfTheApplicationsIsNamedAtStartUpWithoutTheProperty(CapturedOutput output) {
		runner().withPropertyValues(this.trio.pool("default.http"))
			.withBean("ownRequestFactoryBuilder", ClientHttpRequestFactoryBuilder.class,
					ClientHttpRequestFactoryBuilder::jdk)
			.run((context) -> {
				assertOwnRequestFactoryBuilderNamed(context, output, "JdkClientHttpRequestFactoryBuilder");
				assertThat(output).doesNotContain("spring.http.clients.imperative.factory=reactor");
			});
	}

	private void assertOwnRequestFactoryBuilderNamed(ApplicationContext context, CapturedOutput output, String type) {
		assertThat(whoami(context.getBean(RestClient.Builder.class).build())).isEqualTo("127.0.0.1");
		assertThat(this.trio.first.accepted() + this.trio.second.accepted() + this.trio.third.accepted()).isZero();
		assertThat(output).contains("proxy pools: RestClient and RestTemplate requests go direct, not through the pools: "
				+ "the ClientHttpRequestFactoryBuilder bean 'ownRequestFactoryBuilder' (" + type
				+ ") is the application's own",
				"ClientHttpRequestFactoryBuilderCustomizer<ReactorClientHttpRequestFactoryBuilder>");
	}

	private void runWithPool(ContextCallback callback, String... extra) {
		runner().withPropertyValues(this.trio.pool("default.http")).withPropertyValues(extra).run((context) -> {
			assertThat(context).hasNotFailed();
			callback.accept(context, context.getBean(RestClient.Builder.class).build());
		});
	}

	private String whoami(RestClient client) {
		return client.get().uri(this.target.baseUrl() + "/whoami").retrieve().body(String.class);
	}

	/** The status of the exchange's answer to a request for binance, whatever it is. */
	private int status(RestClient.RequestHeadersUriSpec<?> method, String path) {
		return method.uri(this.target.baseUrl() + path)
			.attribute(ProxyAttributes.EXCHANGE, "binance")
			.exchange((request, response) -> response.getStatusCode().value());
	}

	private static ProxyPool pool(ApplicationContext context) {
		return context.getBean(ProxyPools.class).resolve(null, ConnectionType.HTTP).orElseThrow();
	}

	@FunctionalInterface
	interface ContextCallback {

		void accept(AssertableApplicationContext context, RestClient client) throws Exception;

	}

}
