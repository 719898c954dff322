package io.cryptofeed.proxy.health.probe;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.proxy.ProxyConnectException;
import reactor.netty.NettyPipeline;

/**
 * Keeps the error of a proxy handshake that one check abandoned (its timeout, or the checker's
 * close or a reload disposed it) from Reactor Netty: the connection's close fails the handshake
 * after the check has ended, and Reactor Netty would log that at WARN as an exception observed
 * after termination, once at every check of a hanging proxy and at every shutdown that meets
 * a check of a slow one. One per check; shared by its connections, should Reactor Netty open
 * another one for it.
 */
@ChannelHandler.Sharable
final class AbandonedHandshake extends ChannelInboundHandlerAdapter {

	private static final String NAME = "proxy-health.abandonedHandshake";

	private volatile boolean abandoned;

	/** Watches the connection's proxy handshake, if it has one. */
	void watch(Channel channel) {
		if (channel.pipeline().get(NettyPipeline.ProxyHandler) != null && channel.pipeline().get(NAME) == null) {
			channel.pipeline().addAfter(NettyPipeline.ProxyHandler, NAME, this);
		}
	}

	/** The check has ended without the connection: what its handshake fails with now goes unheard. */
	void abandon() {
		this.abandoned = true;
	}

	@Override
	public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
		if (this.abandoned && cause instanceof ProxyConnectException) {
			return;
		}
		ctx.fireExceptionCaught(cause);
	}

}
