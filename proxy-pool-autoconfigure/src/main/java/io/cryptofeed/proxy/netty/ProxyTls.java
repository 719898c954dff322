package io.cryptofeed.proxy.netty;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Objects;

import javax.net.ssl.SSLException;

import io.cryptofeed.proxy.core.ProxyEndpoint;
import io.cryptofeed.proxy.core.ProxyScheme;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.proxy.ProxyHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import reactor.netty.NettyPipeline;

/**
 * TLS to the proxy itself, for {@code https://} members: the CONNECT request, and the
 * credentials in its {@code Proxy-Authorization} header, travel encrypted, where an
 * {@code http://} member sends them in the clear to anyone on the path to the proxy. The
 * proxy's certificate is verified against its host name (or IP address). The exchange's own
 * TLS runs inside the tunnel as before: an {@code https} target through an {@code https}
 * proxy is TLS in TLS.
 *
 * <p>Reactor Netty's proxy settings carry nothing but an address to the channel, so an
 * {@code https} member's address is one of {@link #address}'s, which names the proxy for the
 * certificate check; {@link #secure} finds it there when the channel is initialized and puts
 * TLS under the proxy handshake. That handshake's timeout then bounds the TLS handshake with
 * the proxy too.
 */
public final class ProxyTls {

	/** The name of the TLS handler in a channel's pipeline. */
	static final String HANDLER_NAME = "cryptofeed.ProxyTls";

	private static final String COMPLETION_NAME = "cryptofeed.ProxyTlsCompletion";

	private final SslContext context;

	private final String trust;

	private ProxyTls(SslContext context, String trust) {
		this.context = context;
		this.trust = trust;
	}

	/** Certificates signed by an authority of the JDK's trust store, and no client certificate. */
	public static ProxyTls systemDefault() {
		return SystemDefault.INSTANCE;
	}

	/**
	 * TLS with the given client context.
	 * @param trust what the context trusts, for messages (for example "SSL bundle 'proxies'")
	 */
	public static ProxyTls of(SslContext context, String trust) {
		if (!Objects.requireNonNull(context, "context").isClient()) {
			throw new IllegalArgumentException("TLS to a proxy needs a client context");
		}
		return new ProxyTls(context, Objects.requireNonNull(trust, "trust"));
	}

	/**
	 * The socket address to connect to the endpoint at: for an {@code https} member, one that
	 * tells {@link #secure} to speak TLS to it, and with which name to check its certificate.
	 * Public for the health probes (package {@code health.probe}), not for applications.
	 * @param resolved the endpoint's address, looked up (or an IP literal's)
	 */
	public static InetSocketAddress address(ProxyEndpoint endpoint, InetSocketAddress resolved) {
		if (endpoint.scheme() != ProxyScheme.HTTPS || resolved instanceof TlsAddress) {
			return resolved;
		}
		if (resolved.isUnresolved()) {
			throw new IllegalArgumentException("the address of " + endpoint + " is not looked up yet");
		}
		return new TlsAddress(resolved.getAddress(), resolved.getPort(), endpoint.host());
	}

	/**
	 * Puts TLS under the proxy handshake of a channel being initialized when its proxy is an
	 * {@code https} member; leaves any other channel alone.
	 */
	void secure(Channel channel) {
		if (channel.pipeline().get(NettyPipeline.ProxyHandler) instanceof ProxyHandler proxy
				&& proxy.proxyAddress() instanceof InetSocketAddress address) {
			secure(channel, address);
		}
	}

	/**
	 * Puts TLS first in a channel being initialized when the proxy address it talks to, through
	 * its proxy handler or directly (a health probe's greeting), is an {@code https} member's.
	 * Public for the health probes (package {@code health.probe}), not for applications.
	 */
	public void secure(Channel channel, InetSocketAddress proxy) {
		ChannelPipeline pipeline = channel.pipeline();
		if (proxy instanceof TlsAddress address && pipeline.get(HANDLER_NAME) == null) {
			// first, nearest the socket: the proxy handshake, and any wiretap of it, run above it
			pipeline.addFirst(HANDLER_NAME, newHandler(channel, address));
			pipeline.addAfter(HANDLER_NAME, COMPLETION_NAME, ProxyHandshakeCompletion.KEPT);
		}
	}

	private SslHandler newHandler(Channel channel, TlsAddress address) {
		// the name given here is the one the certificate is checked against and sent as SNI
		return this.context.newHandler(channel.alloc(), address.serverName, address.getPort());
	}

	@Override
	public String toString() {
		return "ProxyTls[" + this.trust + "]";
	}

	/**
	 * Keeps the news that the TLS handshake with the proxy succeeded below the proxy handler.
	 * Reactor Netty takes any completed TLS handshake on a channel for the exchange's: an
	 * {@code https} target's connect would complete before its tunnel is even up (a proxy
	 * that then resets it would fail a request that was never sent), and HTTP/2 would be
	 * looked for before the exchange agreed to it.
	 */
	@Sharable
	private static final class ProxyHandshakeCompletion extends ChannelInboundHandlerAdapter {

		static final ProxyHandshakeCompletion KEPT = new ProxyHandshakeCompletion();

		@Override
		public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
			// a failure goes on, to fail the connect
			if (!(event instanceof SslHandshakeCompletionEvent completion && completion.isSuccess())) {
				ctx.fireUserEventTriggered(event);
			}
		}

	}

	/** An {@code https} member's address, with the name its certificate is checked against. */
	private static final class TlsAddress extends InetSocketAddress {

		private static final long serialVersionUID = 1L;

		private final String serverName;

		TlsAddress(InetAddress address, int port, String serverName) {
			super(address, port);
			this.serverName = serverName;
		}

	}

	/** Built on first use: most applications have no {@code https} member. */
	private static final class SystemDefault {

		static final ProxyTls INSTANCE = new ProxyTls(jdkTrust(), "the JDK's trust store");

		private static SslContext jdkTrust() {
			try {
				return SslContextBuilder.forClient().endpointIdentificationAlgorithm("HTTPS").build();
			}
			catch (SSLException ex) {
				throw new IllegalStateException("The JDK's default TLS client context cannot be built", ex);
			}
		}

	}

}
