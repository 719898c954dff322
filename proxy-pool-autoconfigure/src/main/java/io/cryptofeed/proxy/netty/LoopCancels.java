package io.cryptofeed.proxy.netty;

import java.util.concurrent.RejectedExecutionException;

import io.netty.channel.Channel;
import org.reactivestreams.Subscription;

/**
 * Cancels a request on the event loop of the connection it was sent on. Reactor Netty closes
 * the connection of a request cancelled before its answer was read, but a cancel from another
 * thread (a timeout's, a subscriber's that went away) only queues that close on the loop. If
 * the loop reads the answer first, it hands the connection back to the connection pool, which
 * lends it at once to a request waiting for one; the queued close then cuts that request
 * before its answer ("Connection prematurely closed BEFORE response"), a stall blamed on its
 * member. On the loop, the cancel either closes the connection before the answer is read, so
 * that it is never lent again, or finds the answer read and the connection back in the pool,
 * whole, and leaves it be.
 */
final class LoopCancels {

	private LoopCancels() {
	}

	/** Cancels {@code upstream} now, or on the loop of the connection the attempt's request is on. */
	static void cancel(Subscription upstream, ConnectAttempt attempt) {
		Channel sentOn = attempt.sentOn();
		if (sentOn == null || sentOn.eventLoop().inEventLoop()) {
			upstream.cancel();
			return;
		}
		try {
			sentOn.eventLoop().execute(upstream::cancel);
		}
		catch (RejectedExecutionException ex) {
			// the loop is shutting down, and its connections close with it
			upstream.cancel();
		}
	}

}
