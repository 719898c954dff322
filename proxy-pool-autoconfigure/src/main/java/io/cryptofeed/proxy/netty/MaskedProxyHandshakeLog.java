package io.cryptofeed.proxy.netty;

import io.cryptofeed.proxy.core.ProxyUrls;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.socksx.v4.DefaultSocks4CommandRequest;
import io.netty.handler.codec.socksx.v4.Socks4CommandRequest;
import io.netty.handler.codec.socksx.v5.DefaultSocks5PasswordAuthRequest;
import io.netty.handler.codec.socksx.v5.Socks5PasswordAuthRequest;
import io.netty.handler.logging.LogLevel;
import io.netty.handler.logging.LoggingHandler;
import reactor.netty.NettyPipeline;

/**
 * The proxy handshake as a wiretapped client logs it, with the credential masked. With
 * {@code wiretap} on, Reactor Netty logs the handshake with each proxy under
 * {@code reactor.netty.proxy} at DEBUG, and an HTTP CONNECT carries its
 * {@code Proxy-Authorization} header (user and password in Base64) there in full; Netty
 * masks a SOCKS5 password but prints the user name, and a SOCKS4 user id, which some
 * providers take as the token itself ({@code socks5://token@host:port}). This takes the place
 * of that handler and logs the same events, the header's value and the user shown as
 * {@code ***}.
 */
@ChannelHandler.Sharable
final class MaskedProxyHandshakeLog extends LoggingHandler {

	private static final MaskedProxyHandshakeLog INSTANCE = new MaskedProxyHandshakeLog();

	private MaskedProxyHandshakeLog() {
		super("reactor.netty.proxy", LogLevel.DEBUG);
	}

	/** Puts the masking log in place of Reactor Netty's, where a wiretap added one. */
	static void replaceIn(Channel channel) {
		if (channel.pipeline().get(NettyPipeline.ProxyLoggingHandler) != null) {
			channel.pipeline().replace(NettyPipeline.ProxyLoggingHandler, NettyPipeline.ProxyLoggingHandler, INSTANCE);
		}
	}

	@Override
	protected String format(ChannelHandlerContext ctx, String eventName, Object arg) {
		return super.format(ctx, eventName, masked(arg));
	}

	private static Object masked(Object message) {
		if (message instanceof HttpRequest request && request.headers().contains(HttpHeaderNames.PROXY_AUTHORIZATION)) {
			HttpHeaders headers = request.headers().copy().set(HttpHeaderNames.PROXY_AUTHORIZATION, ProxyUrls.MASK);
			return new DefaultHttpRequest(request.protocolVersion(), request.method(), request.uri(), headers);
		}
		if (message instanceof Socks5PasswordAuthRequest) {
			return new DefaultSocks5PasswordAuthRequest(ProxyUrls.MASK, ProxyUrls.MASK);
		}
		if (message instanceof Socks4CommandRequest request && !request.userId().isEmpty()) {
			return new DefaultSocks4CommandRequest(request.type(), request.dstAddr(), request.dstPort(), ProxyUrls.MASK);
		}
		return message;
	}

}
