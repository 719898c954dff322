package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Ticker;
import reactor.netty.NettyPipeline;

/**
 * The response timeout of requests through a pool: fails a request when nothing was read for
 * the timeout after it was sent, as Reactor Netty's {@code responseTimeout} does, but it stays
 * on its connection and is armed per request instead of added and removed each time, and it
 * wakes once per timeout instead of being scheduled per request. The time of the last read
 * also tells how long an open WebSocket session has been quiet. Used on the channel's event
 * loop only.
 */
final class ResponseTimeoutHandler extends ChannelInboundHandlerAdapter {

	static final String NAME = "proxy-pool.responseTimeout";

	private static final AttributeKey<ResponseTimeoutHandler> KEY = AttributeKey.valueOf(ResponseTimeoutHandler.class,
			"handler");

	/** 0 while no request waits for its answer. */
	private long timeoutNanos;

	private long lastActivity;

	private ScheduledFuture<?> check;

	/** The request waiting for its answer, which a timeout's error names; {@code null} while none waits. */
	private ConnectAttempt attempt;

	/** The timeout the pending check was planned for. */
	private long scheduledFor;

	private ChannelHandlerContext context;

	private Ticker ticker;

	/**
	 * A request was sent on the channel: its answer must start, and keep coming, within the
	 * timeout. The channel's handler is added (before the HTTP codec, so every read counts)
	 * the first time. On a channel whose proxy has not opened its tunnel yet, the timeout starts
	 * once the tunnel is up, since the request is only written then; the attempt hears of it,
	 * since a cancel before then sent nothing.
	 */
	static void arm(Channel channel, Duration timeout, ConnectAttempt attempt) {
		ResponseTimeoutHandler handler = channel.attr(KEY).get();
		if (handler == null) {
			// only a channel's first request can find its tunnel still opening: the handler is
			// added once it is up, so a reused connection skips the pipeline lookup
			ProxyHandler proxy = channel.pipeline().get(ProxyHandler.class);
			if (proxy != null && !proxy.isConnected()) {
				// the request waits in the proxy's handler until the tunnel is up, and the proxy's
				// handshake has its own timeout: the answer is waited for from then on
				attempt.sentBeforeTunnel(proxy.connectFuture());
				proxy.connectFuture().addListener((tunnel) -> {
					if (tunnel.isSuccess() && channel.isActive()) {
						arm(channel, timeout, attempt);
					}
				});
				return;
			}
			handler = new ResponseTimeoutHandler();
			if (channel.pipeline().get(NettyPipeline.HttpCodec) != null) {
				channel.pipeline().addBefore(NettyPipeline.HttpCodec, NAME, handler);
			}
			else {
				channel.pipeline().addFirst(NAME, handler);
			}
			channel.attr(KEY).set(handler);
		}
		handler.arm(timeout.toNanos(), attempt);
	}

	/** The answer on the channel is complete, or the channel went back to its pool. */
	static void disarm(Channel channel) {
		ResponseTimeoutHandler handler = channel.attr(KEY).get();
		if (handler != null) {
			handler.timeoutNanos = 0;
			handler.attempt = null;
		}
	}

	/**
	 * How long the channel has read nothing (since its request was sent, when it read nothing
	 * since), in nanoseconds; -1 when it never had a timeout armed. On the channel's event
	 * loop only. An open WebSocket session keeps the handler, disarmed, for this.
	 */
	static long quietNanos(Channel channel) {
		ResponseTimeoutHandler handler = channel.attr(KEY).get();
		return (handler != null) ? handler.ticker.nanoTime() - handler.lastActivity : -1;
	}

	/** Whether a request on the channel waits for (the rest of) its answer. On the channel's event loop only. */
	static boolean awaitsAnswer(Channel channel) {
		ResponseTimeoutHandler handler = channel.attr(KEY).get();
		return handler != null && handler.timeoutNanos != 0;
	}

	/**
	 * The request waiting on the channel for its answer, when its connect named one; on the
	 * channel's event loop only, while {@link #awaitsAnswer} holds.
	 */
	static ConnectAttempt waiting(Channel channel) {
		return channel.attr(KEY).get().attempt;
	}

	/**
	 * Fails the request waiting on the channel with the error, as its timeout would, and
	 * closes the channel. On the channel's event loop only, while {@link #awaitsAnswer} holds.
	 */
	static void fail(Channel channel, Throwable error) {
		channel.attr(KEY).get().failWith(error);
	}

	private void arm(long timeoutNanos, ConnectAttempt attempt) {
		this.lastActivity = this.ticker.nanoTime();
		this.attempt = attempt;
		if (this.check != null && timeoutNanos < this.scheduledFor) {
			// a reload shortened the timeout: the check planned for the old one would come too late
			cancel();
		}
		this.timeoutNanos = timeoutNanos;
		if (this.check == null) {
			schedule(timeoutNanos);
		}
	}

	@Override
	public void handlerAdded(ChannelHandlerContext ctx) {
		this.context = ctx;
		this.ticker = ctx.executor().ticker();
	}

	@Override
	public void handlerRemoved(ChannelHandlerContext ctx) {
		cancel();
	}

	@Override
	public void channelInactive(ChannelHandlerContext ctx) {
		cancel();
		ctx.fireChannelInactive();
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) {
		this.lastActivity = this.ticker.nanoTime();
		ctx.fireChannelRead(msg);
	}

	private void schedule(long delayNanos) {
		this.scheduledFor = this.timeoutNanos;
		this.check = this.context.executor().schedule(this::expire, delayNanos, TimeUnit.NANOSECONDS);
	}

	private void expire() {
		this.check = null;
		if (this.timeoutNanos == 0 || !this.context.channel().isActive()) {
			return;
		}
		long left = this.lastActivity + this.timeoutNanos - this.ticker.nanoTime();
		if (left > 0) {
			schedule(left);
			return;
		}
		failWith(ResponseTimedOut.readTimeout(this.timeoutNanos, this.attempt));
	}

	private void failWith(Throwable error) {
		this.timeoutNanos = 0;
		this.attempt = null;
		this.context.fireExceptionCaught(error);
		this.context.close();
	}

	private void cancel() {
		if (this.check != null) {
			this.check.cancel(false);
			this.check = null;
		}
	}

}
