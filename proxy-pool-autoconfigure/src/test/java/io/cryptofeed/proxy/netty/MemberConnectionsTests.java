package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.cryptofeed.proxy.core.ConnectionType;
import io.cryptofeed.proxy.core.MemberSpec;
import io.cryptofeed.proxy.core.PoolKey;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.PoolSpec;
import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyPool;
import io.cryptofeed.proxy.core.ProxyPools;
import io.cryptofeed.proxy.core.Unavailability;
import io.cryptofeed.proxy.core.strategy.SelectionStrategies;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import reactor.netty.Connection;

import static org.assertj.core.api.Assertions.assertThat;

/** The open connections of members, on embedded channels whose event loop the test runs. */
class MemberConnectionsTests {

	private final ProxyPools pools = ProxyPools.of(List.of(new PoolSpec(PoolKey.ofDefault(ConnectionType.HTTP),
			PoolSpec.Origin.POOL, List.of(member("a"), member("b")), "round-robin", Duration.ofSeconds(30))),
			Map.of(), SelectionStrategies.builtIn()::create);

	private final MemberConnections connections = new MemberConnections();

	/**
	 * The member fails (on a health check or breaker thread) while the connection's event loop
	 * is already lending its idle connection to a request: the connection is busy from then on,
	 * and is closed when the request gives it back, not under the request.
	 */
	@Test
	void anIdleConnectionTheEventLoopIsLendingOutWhenItsMemberFailsIsClosedOnlyWhenReleased() {
		ProxyPool pool = this.pools.resolve(null, ConnectionType.HTTP).orElseThrow();
		PoolMember member = pool.members().get(0);
		EmbeddedChannel channel = idleConnectionThrough(member);
		// the event loop's next task lends the idle connection out
		channel.eventLoop().execute(() -> this.connections.acquired(channel));

		pool.setUnavailable(member, Unavailability.UNHEALTHY, true);
		channel.runPendingTasks();
		assertThat(channel.isOpen()).isTrue();

		this.connections.released(channel);
		channel.runPendingTasks();
		assertThat(channel.isOpen()).isFalse();
		assertThat(this.connections.open(member)).isZero();
	}

	@Test
	void anIdleConnectionOfAFailingMemberIsClosed() {
		ProxyPool pool = this.pools.resolve(null, ConnectionType.HTTP).orElseThrow();
		PoolMember member = pool.members().get(0);
		EmbeddedChannel channel = idleConnectionThrough(member);

		pool.setUnavailable(member, Unavailability.UNHEALTHY, true);
		channel.runPendingTasks();
		assertThat(channel.isOpen()).isFalse();
		assertThat(this.connections.open(member)).isZero();
	}

	/**
	 * A report that the member left reaches the listener only once the member is back (an
	 * operator drained it and undrained it at once, say, from two threads): the late report
	 * retires nothing, so the member's connection carries its next request and stays open.
	 */
	@Test
	void aLateReportThatTheMemberLeftRetiresNothingOnceItIsBack() {
		ProxyPool pool = this.pools.resolve(null, ConnectionType.HTTP).orElseThrow();
		PoolMember member = pool.members().get(0);
		EmbeddedChannel channel = idleConnectionThrough(member);
		assertThat(member.isAvailable()).isTrue();

		this.connections.availabilityChanged(pool, member, false);
		channel.runPendingTasks();
		this.connections.acquired(channel);
		this.connections.released(channel);
		channel.runPendingTasks();

		assertThat(channel.isOpen()).isTrue();
		assertThat(this.connections.open(member)).isOne();
	}

	/** A pooled connection through the member that carried a request and is idle now. */
	private EmbeddedChannel idleConnectionThrough(PoolMember member) {
		this.pools.addAvailabilityListener(this.connections);
		EmbeddedChannel channel = new EmbeddedChannel();
		this.connections.inUse(member, Connection.from(channel), false);
		this.connections.released(channel);
		return channel;
	}

	private static MemberSpec member(String user) {
		return MemberSpec.of(ProxyEndpoint.parse("socks5://" + user + ":secret@127.0.0.1:1080"));
	}

}
