package io.cryptofeed.proxy.netty;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.cryptofeed.proxy.core.Durations;
import io.cryptofeed.proxy.core.PoolMember;
import io.cryptofeed.proxy.core.ProxyPool;
import reactor.core.scheduler.Scheduler;

/**
 * Logs the quiet connections cut through each member as a burst, not line by line: a proxy
 * that freezes with a hundred streams on it would otherwise write a hundred WARN lines. The
 * first cut through a member is a WARN; the others within one quiet timeout of it go to DEBUG,
 * and once that time is up one WARN counts them all. One quiet timeout is enough: every
 * connection the same freeze stalled has been quiet for the timeout by then, so it has been
 * cut, and a cut after it starts a burst of its own.
 */
final class QuietCutLog {

	private static final System.Logger log = System.getLogger(QuietCutLog.class.getName());

	// each line whole, as the docs quote it, so that a grep of the sources finds it
	private static final String SESSION_CLOSED = "proxy session closed: pool={0} member={1} quiet-for={2} reason={3}";

	private static final String REQUEST_CUT = "proxy request cut: pool={0} member={1} quiet-for={2} reason={3}";

	/** The bursts under way, by member, each with its latest counts. */
	private final Map<PoolMember, Burst> bursts = new ConcurrentHashMap<>();

	private final Scheduler timer;

	/** @param timer ends the bursts */
	QuietCutLog(Scheduler timer) {
		this.timer = timer;
	}

	/**
	 * A connection through the member was cut.
	 * @param window how long the burst this cut begins lasts: the quiet timeout
	 */
	void cut(ProxyPool pool, PoolMember member, boolean session, String quiet, String reason, Duration window) {
		String name = pool.nameOf(member);
		Burst burst = this.bursts.compute(member, (m, current) -> (current == null) ? new Burst(name, session)
				: current.plus(session));
		boolean first = burst.cuts() == 1;
		log.log(first ? Level.WARNING : Level.DEBUG, session ? SESSION_CLOSED : REQUEST_CUT, pool.key(), name, quiet,
				reason);
		if (first) {
			try {
				this.timer.schedule(() -> end(pool, member, window), window.toNanos(), TimeUnit.NANOSECONDS);
			}
			catch (RejectedExecutionException stopped) {
				// the timer stops with the application: nothing is left to count
				this.bursts.remove(member);
			}
		}
	}

	private void end(ProxyPool pool, PoolMember member, Duration window) {
		// a cut from now on begins a burst of its own
		Burst burst = this.bursts.remove(member);
		if (burst != null && burst.cuts() > 1) {
			log.log(Level.WARNING,
					"proxy connections cut: pool={0} member={1} sessions={2} requests={3} within={4} "
							+ "repeats-at-debug={5}",
					pool.key(), burst.name(), burst.sessions(), burst.requests(), Durations.format(window),
					burst.cuts() - 1);
		}
	}

	/**
	 * The cuts of one burst: sessions closed and requests (or opening handshakes) failed.
	 * @param name the member as its first line named it, which the count repeats though a reload
	 * removed the member meanwhile (a removed member is named with its serial)
	 */
	private record Burst(String name, int sessions, int requests) {

		Burst(String name, boolean session) {
			this(name, session ? 1 : 0, session ? 0 : 1);
		}

		Burst plus(boolean session) {
			return new Burst(this.name, this.sessions + (session ? 1 : 0), this.requests + (session ? 0 : 1));
		}

		int cuts() {
			return this.sessions + this.requests;
		}

	}

}
