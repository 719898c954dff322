package io.cryptofeed.proxy.netty;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;

import io.cryptofeed.proxy.core.HostNames;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import reactor.netty.NettyPipeline;

/**
 * Puts the ASCII form of an internationalized target name ({@code xn--bcher-kva.example} for
 * {@code bücher.example}) on the wire: Reactor Netty sends the name as the URL wrote it, in
 * UTF-8, in an HTTP proxy's CONNECT line and in the Host header, where only ASCII is valid
 * (RFC 9112), and the proxy or exchange cannot resolve or route it. Netty already converts
 * the name of a SOCKS5 request. Added only to the connections whose target is such a name,
 * and to their HTTP/2 streams, whose Host header becomes the {@code :authority}. Sharable: it
 * holds nothing but the converted target.
 */
@ChannelHandler.Sharable
final class AsciiTargetHost extends ChannelOutboundHandlerAdapter {

	static final String NAME = "proxyPool.asciiTargetHost";

	/** Adds the conversion to a connection whose target name is not ASCII; a scan of the name, else nothing. */
	static void addIfNeeded(Channel channel, SocketAddress remote) {
		if (remote instanceof InetSocketAddress target && target.isUnresolved()
				&& !HostNames.isAscii(target.getHostString())) {
			String ascii = HostNames.ascii(target.getHostString());
			if (ascii == null) {
				// not a name IDNA can convert: the proxy refuses it, as it did before
				return;
			}
			addBeforeBridge(channel, new AsciiTargetHost(InetSocketAddress.createUnresolved(ascii, target.getPort())));
		}
	}

	/**
	 * Adds the conversion of its connection to an HTTP/2 stream: Reactor Netty writes the
	 * stream's request on the stream's own channel, which the connection's handler never sees.
	 * A look through the connection's handlers, for HTTP/2 streams only.
	 */
	static void addToStream(Channel stream) {
		Channel connection = stream.parent();
		ChannelHandler converting = (connection != null) ? connection.pipeline().get(NAME) : null;
		if (converting != null && stream.pipeline().get(NAME) == null) {
			addBeforeBridge(stream, converting);
		}
	}

	private static void addBeforeBridge(Channel channel, ChannelHandler handler) {
		// after the HTTP codec, so that a request passes here before it is encoded; the
		// connect passes here before the proxy handler takes its target from it
		if (channel.pipeline().get(NettyPipeline.ReactiveBridge) != null) {
			channel.pipeline().addBefore(NettyPipeline.ReactiveBridge, NAME, handler);
		}
		else {
			channel.pipeline().addLast(NAME, handler);
		}
	}

	private final InetSocketAddress asciiTarget;

	private AsciiTargetHost(InetSocketAddress asciiTarget) {
		this.asciiTarget = asciiTarget;
	}

	@Override
	public void connect(ChannelHandlerContext ctx, SocketAddress remote, SocketAddress local, ChannelPromise promise)
			throws Exception {
		// an address that is resolved already (a direct connection) is connected to as it is
		boolean unresolved = remote instanceof InetSocketAddress target && target.isUnresolved();
		super.connect(ctx, unresolved ? this.asciiTarget : remote, local, promise);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
		if (msg instanceof HttpRequest request) {
			String host = request.headers().get(HttpHeaderNames.HOST);
			if (host != null && !HostNames.isAscii(host)) {
				String ascii = hostHeader(host);
				if (ascii != null) {
					request.headers().set(HttpHeaderNames.HOST, ascii);
				}
			}
		}
		super.write(ctx, msg, promise);
	}

	/**
	 * The URL with its host name in ASCII, when it is an internationalized name; else the URL
	 * itself. {@link URI} has no host for such a name (only an authority), and Reactor Netty
	 * cannot open a WebSocket to it.
	 */
	static URI asciiUri(URI url) {
		String authority = url.getRawAuthority();
		if (url.getHost() != null || authority == null || HostNames.isAscii(authority)) {
			return url;
		}
		int at = authority.lastIndexOf('@');
		String ascii = hostHeader(authority.substring(at + 1));
		if (ascii == null) {
			return url;
		}
		StringBuilder converted = new StringBuilder(url.getScheme()).append("://");
		if (at >= 0) {
			converted.append(authority, 0, at + 1);
		}
		converted.append(ascii).append((url.getRawPath() != null) ? url.getRawPath() : "");
		if (url.getRawQuery() != null) {
			converted.append('?').append(url.getRawQuery());
		}
		if (url.getRawFragment() != null) {
			converted.append('#').append(url.getRawFragment());
		}
		return URI.create(converted.toString());
	}

	/** A Host header's value with its name in ASCII and its port kept, or {@code null} when the name cannot be. */
	private static String hostHeader(String value) {
		int colon = value.lastIndexOf(':');
		String name = (colon >= 0) ? value.substring(0, colon) : value;
		String ascii = HostNames.ascii(name);
		return (ascii == null) ? null : (colon >= 0) ? ascii + value.substring(colon) : ascii;
	}

}
