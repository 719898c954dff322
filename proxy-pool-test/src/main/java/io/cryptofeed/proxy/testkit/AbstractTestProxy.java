package io.cryptofeed.proxy.testkit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Listener, lifecycle, faults and counters shared by the in-JVM proxies; a subclass only speaks
 * its handshake protocol in {@link #handshake(Socket, InputStream, OutputStream, Fault)}.
 * <p>
 * Public because the compiler names it as the type of an expression that mixes the two kinds,
 * such as {@code List.of(httpProxy, socks5Proxy)}, which would not compile outside this package
 * otherwise; only the kit can extend it.
 */
public abstract class AbstractTestProxy implements TestProxy {

	private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

	private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

	private static final Set<Fault.Kind> FROZEN = EnumSet.of(Fault.Kind.FREEZE);

	private static final Set<Fault.Kind> HELD = EnumSet.of(Fault.Kind.HOLD, Fault.Kind.FREEZE);

	private final String scheme;

	private final ProxySettings settings;

	private final OpenSockets sockets = new OpenSockets();

	private final AtomicInteger accepted = new AtomicInteger();

	private final AtomicInteger tunnels = new AtomicInteger();

	private final Queue<String> requestedTargets = new ConcurrentLinkedQueue<>();

	private final Object lifecycleMonitor = new Object();

	private final int port;

	private final ProxyThreads threads;

	private final ExecutorService executor;

	private volatile Fault fault;

	/** Guarded by {@link #lifecycleMonitor}; {@code null} while refusing, crashed or closed. */
	private ServerSocket listener;

	/** Guarded by {@link #lifecycleMonitor}; the task accepting on {@link #listener}. */
	private Future<?> acceptLoop;

	/** Guarded by {@link #lifecycleMonitor}. */
	private boolean closed;

	/** Binds the listener, so that the port is known; {@link #start()} begins accepting. */
	AbstractTestProxy(String scheme, ProxySettings settings) {
		this.scheme = scheme;
		this.settings = settings;
		this.fault = settings.fault();
		try {
			this.listener = listen(settings.bindAddress(), settings.port());
		}
		catch (IOException ex) {
			throw new IllegalStateException(getClass().getSimpleName() + " cannot listen on "
					+ settings.bindAddress().getHostAddress() + ":" + settings.port(), ex);
		}
		this.port = this.listener.getLocalPort();
		this.threads = new ProxyThreads(THREAD_NAME_PREFIX + scheme + "-" + this.port + "-");
		this.executor = Executors.newCachedThreadPool(this.threads);
	}

	/**
	 * Starts accepting, or closes the listener at once when starting with {@link Fault#REFUSE}
	 * or {@link Fault#CRASH}.
	 */
	final void start() {
		synchronized (this.lifecycleMonitor) {
			try {
				checkSupported(this.fault);
			}
			catch (IllegalArgumentException ex) {
				OpenSockets.closeQuietly(this.listener);
				this.executor.shutdownNow();
				throw ex;
			}
			ServerSocket listener = this.listener;
			if (listens(this.fault)) {
				startAccepting(listener);
			}
			else {
				OpenSockets.closeQuietly(listener);
				this.listener = null;
			}
		}
	}

	@Override
	public String host() {
		return this.settings.bindAddress().getHostAddress();
	}

	@Override
	public int port() {
		return this.port;
	}

	@Override
	public String url() {
		Credentials credentials = this.settings.credentials();
		return (credentials != null)
				? ProxyUrls.url(this.scheme, credentials.user(), credentials.password(), host(), this.port)
				: ProxyUrls.url(this.scheme, null, null, host(), this.port);
	}

	@Override
	public void fault(Fault fault) {
		Objects.requireNonNull(fault, "fault");
		checkSupported(fault);
		synchronized (this.lifecycleMonitor) {
			if (this.closed) {
				throw new IllegalStateException(this + " is closed");
			}
			if (listens(fault)) {
				ServerSocket listener = (this.listener == null) ? listenAgain() : null;
				this.fault = fault;
				if (listener != null) {
					startAccepting(listener);
				}
			}
			else {
				this.fault = fault;
				if (this.listener != null) {
					stopListening();
				}
				if (fault.kind() == Fault.Kind.CRASH) {
					// once the accept loop has ended, so that what it accepted last is reset too
					this.sockets.resetAll();
				}
			}
			// frozen tunnels and held handshakes carry on, or find their sockets reset by a crash
			this.lifecycleMonitor.notifyAll();
		}
	}

	@Override
	public Fault fault() {
		return this.fault;
	}

	@Override
	public int tunnels() {
		return this.tunnels.get();
	}

	@Override
	public int accepted() {
		return this.accepted.get();
	}

	@Override
	public List<String> requestedTargets() {
		return List.copyOf(this.requestedTargets);
	}

	/** Remembers a target a client asked for, as it was sent. */
	void requested(String target) {
		this.requestedTargets.add(target);
	}

	@Override
	public void resetCounters() {
		this.tunnels.set(0);
		this.accepted.set(0);
		this.requestedTargets.clear();
	}

	@Override
	public void close() {
		synchronized (this.lifecycleMonitor) {
			if (this.closed) {
				return;
			}
			this.closed = true;
			if (this.listener != null) {
				stopListening();
			}
			this.lifecycleMonitor.notifyAll();
		}
		this.sockets.closeAll();
		this.executor.shutdownNow();
		// Once the executor has terminated it creates no more threads, so the ones to wait for are known
		awaitTermination(this.executor);
		this.threads.awaitTermination(CLOSE_TIMEOUT);
	}

	@Override
	public String toString() {
		// Not url(), which holds the password: this ends up in exception messages and logs
		String address = ProxyUrls.url(this.scheme, null, null, host(), this.port);
		if (this.settings.credentials() != null) {
			address = address.replace("://", "://***@");
		}
		return getClass().getSimpleName() + "[" + address + ", fault=" + this.fault + "]";
	}

	/** The faults this proxy's protocol can simulate. */
	abstract Set<Fault.Kind> supportedFaults();

	/**
	 * Speaks the proxy protocol with a freshly accepted client and connects the target.
	 * @return the connected target once the client was told so with
	 * {@link #confirmTunnel(Socket, Socket, OutputStream, byte[])}, or {@code null} when the
	 * conversation ended without a tunnel (the client is then closed)
	 */
	abstract Socket handshake(Socket client, InputStream input, OutputStream output, Fault fault)
			throws IOException;

	Credentials credentials() {
		return this.settings.credentials();
	}

	/**
	 * The address of a target name: a name mapped by {@link TestProxyBuilder#mapHost}, else the
	 * system resolver's answer.
	 */
	InetAddress resolveTarget(String host) throws UnknownHostException {
		InetAddress mapped = this.settings.mappedHosts().get(host.toLowerCase(Locale.ROOT));
		return (mapped != null) ? mapped : InetAddress.getByName(host);
	}

	/**
	 * Opens a connection to the target from the egress address.
	 * @throws IOException if the target cannot be reached, or the proxy is closing
	 */
	Socket connectTarget(InetAddress address, int port) throws IOException {
		Socket target = new Socket();
		if (!this.sockets.track(target)) {
			throw new SocketException("Proxy closed");
		}
		try {
			InetAddress egress = this.settings.egressAddress();
			if (egress.getClass() == address.getClass()) {
				target.bind(new InetSocketAddress(egress, 0));
			}
			target.connect(new InetSocketAddress(address, port), CONNECT_TIMEOUT_MILLIS);
			return target;
		}
		catch (IOException ex) {
			this.sockets.close(target);
			throw ex;
		}
	}

	/**
	 * Counts the tunnel and then tells the client that it is open, so that a client which saw the
	 * answer also sees the count. A client that a {@linkplain Fault#CRASH crash} reset meanwhile
	 * counts no tunnel; the target is closed whenever the client cannot be told.
	 */
	void confirmTunnel(Socket client, Socket target, OutputStream output, byte[] answer) throws IOException {
		try {
			if (!this.sockets.runIfOpen(client, this.tunnels::incrementAndGet)) {
				throw new SocketException("Reset by a crash of the proxy");
			}
			output.write(answer);
			output.flush();
		}
		catch (IOException ex) {
			this.sockets.close(target);
			throw ex;
		}
	}

	/**
	 * Holds a relay while the proxy is {@linkplain Fault#FREEZE frozen}. Every chunk a tunnel
	 * relays passes here, so the usual case is one volatile read and no lock.
	 */
	private void awaitThaw() throws InterruptedIOException {
		if (this.fault.kind() == Fault.Kind.FREEZE) {
			awaitFaultOtherThan(FROZEN);
		}
	}

	/**
	 * Holds a handshake accepted under {@link Fault#HOLD} until the proxy gets a fault other than
	 * that or {@link Fault#FREEZE}, or is closed.
	 */
	void awaitRelease() throws InterruptedIOException {
		awaitFaultOtherThan(HELD);
	}

	private void awaitFaultOtherThan(Set<Fault.Kind> waiting) throws InterruptedIOException {
		synchronized (this.lifecycleMonitor) {
			while (waiting.contains(this.fault.kind()) && !this.closed) {
				try {
					this.lifecycleMonitor.wait();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					throw new InterruptedIOException("Interrupted while " + this.fault);
				}
			}
		}
	}

	/** Reads and discards whatever the client sends until it or the proxy closes the connection. */
	static void hang(InputStream input) {
		byte[] buffer = new byte[1024];
		try {
			while (input.read(buffer) != -1) {
				// Never answer
			}
		}
		catch (IOException ex) {
			// Closed by the client or by close()
		}
	}

	/** Aborts the connection with a TCP RST instead of the usual FIN, beneath TLS if it speaks TLS. */
	void reset(Socket client) {
		this.sockets.reset(client);
	}

	static void pause(Duration delay) throws InterruptedIOException {
		try {
			Thread.sleep(delay.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new InterruptedIOException("Interrupted while delaying the answer");
		}
	}

	private void checkSupported(Fault fault) {
		if (!supportedFaults().contains(fault.kind())) {
			throw new IllegalArgumentException(getClass().getSimpleName() + " cannot simulate " + fault);
		}
	}

	/** Whether a proxy with this fault has a listener: not while it refuses or has crashed. */
	private static boolean listens(Fault fault) {
		return fault.kind() != Fault.Kind.REFUSE && fault.kind() != Fault.Kind.CRASH;
	}

	private static ServerSocket listen(InetAddress address, int port) throws IOException {
		ServerSocket listener = new ServerSocket();
		try {
			listener.setReuseAddress(true);
			listener.bind(new InetSocketAddress(address, port), 128);
			return listener;
		}
		catch (IOException ex) {
			listener.close();
			throw ex;
		}
	}

	/**
	 * Binds the proxy's port again when it comes back from {@link Fault#REFUSE} or
	 * {@link Fault#CRASH}; the proxy keeps its fault if that fails. Must hold
	 * {@link #lifecycleMonitor}.
	 */
	private ServerSocket listenAgain() {
		try {
			return listen(this.settings.bindAddress(), this.port);
		}
		catch (IOException ex) {
			// the usual cause: the port was ephemeral, and the kernel handed it to another socket meanwhile
			throw new IllegalStateException(this + " cannot take its port " + host() + ":" + this.port
					+ " back: another socket took it while the proxy was down (" + ex.getMessage()
					+ "). The proxy stays " + this.fault + ": close that socket and switch the fault again, or"
					+ " start the proxy on a fixed port outside the ephemeral range (its builder's port(int)),"
					+ " which the kernel never hands out by itself", ex);
		}
	}

	/** Must hold {@link #lifecycleMonitor}. */
	private void startAccepting(ServerSocket listener) {
		this.listener = listener;
		try {
			this.acceptLoop = this.executor.submit(() -> acceptLoop(listener));
		}
		catch (RejectedExecutionException ex) {
			OpenSockets.closeQuietly(listener);
			this.listener = null;
			throw new IllegalStateException(this + " is closed", ex);
		}
	}

	private static void awaitTermination(ExecutorService executor) {
		try {
			if (!executor.awaitTermination(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IllegalStateException("Proxy tasks still running " + CLOSE_TIMEOUT + " after close");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Closes the listener and waits until its accept loop has ended: a socket closed while a
	 * thread is blocked in {@code accept()} keeps listening until that thread has woken up, so
	 * only then does the kernel refuse connections and let the port be bound again. Must hold
	 * {@link #lifecycleMonitor}.
	 */
	private void stopListening() {
		OpenSockets.closeQuietly(this.listener);
		this.listener = null;
		try {
			this.acceptLoop.get(CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			throw new IllegalStateException("The accept loop of " + this + " did not end", ex);
		}
		catch (CancellationException ex) {
			// Never started: nothing is blocked in accept()
		}
		this.acceptLoop = null;
	}

	private void acceptLoop(ServerSocket listener) {
		while (!listener.isClosed()) {
			Socket client;
			try {
				client = listener.accept();
			}
			catch (IOException ex) {
				continue;
			}
			this.accepted.incrementAndGet();
			Fault fault = this.fault;
			if (!this.sockets.track(client)) {
				return;
			}
			try {
				this.executor.execute(() -> serve(client, fault));
			}
			catch (RejectedExecutionException ex) {
				this.sockets.close(client);
				return;
			}
		}
	}

	private void serve(Socket client, Fault fault) {
		boolean relaying = false;
		Socket conversation = client;
		try {
			if (!listens(fault)) {
				// Accepted just before the listener closed: refuse as the kernel would have
				reset(client);
				return;
			}
			if (fault.kind() == Fault.Kind.FREEZE) {
				// nothing is answered, not even a TLS handshake
				hang(client.getInputStream());
				return;
			}
			if (this.settings.tls()) {
				conversation = ProxyCertificate.accept(client);
				if (!this.sockets.replace(client, conversation)) {
					return;
				}
			}
			InputStream input = new BufferedInputStream(conversation.getInputStream());
			Socket target = handshake(conversation, input, conversation.getOutputStream(), fault);
			if (target != null && fault.kind() == Fault.Kind.STALL) {
				// the client was told its tunnel is up; nothing goes through it
				this.sockets.close(target);
				hang(input);
			}
			else if (target != null) {
				relaying = true;
				new Relay(conversation, input, target, this.sockets, this::awaitThaw).run(this.executor);
			}
		}
		catch (IOException ex) {
			// The client went away or the proxy is closing: nothing to answer
		}
		finally {
			if (!relaying) {
				this.sockets.close(conversation);
				// a TLS handshake that failed leaves the connection it was layered on
				this.sockets.close(client);
			}
		}
	}

}
