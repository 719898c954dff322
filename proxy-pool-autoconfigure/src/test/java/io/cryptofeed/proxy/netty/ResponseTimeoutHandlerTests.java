package io.cryptofeed.proxy.netty;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.ReadTimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The per-connection response timeout, on an embedded channel whose clock the test moves. */
class ResponseTimeoutHandlerTests {

	private static final Duration TIMEOUT = Duration.ofMillis(300);

	private EmbeddedChannel channel;

	@BeforeEach
	void frozenClock() {
		this.channel = new EmbeddedChannel();
		this.channel.freezeTime();
	}

	@Test
	void aRequestWithoutAnswerFailsWithReadTimeoutAfterTheTimeout() {
		ResponseTimeoutHandler.arm(this.channel, TIMEOUT, null);
		advance(299);
		assertThat(this.channel.isOpen()).isTrue();

		advance(1);
		assertThatExceptionOfType(ReadTimeoutException.class).isThrownBy(this.channel::checkException);
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void everyReadOfTheAnswerStartsTheTimeoutAgain() {
		ResponseTimeoutHandler.arm(this.channel, TIMEOUT, null);
		for (int i = 0; i < 5; i++) {
			advance(250);
			this.channel.writeInbound(Unpooled.wrappedBuffer(new byte[] { 1 }));
		}
		// 1250 ms since the request, never 300 ms without a read
		assertThat(this.channel.isOpen()).isTrue();
		advance(300);
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void aCompleteAnswerDisarmsIt() {
		ResponseTimeoutHandler.arm(this.channel, TIMEOUT, null);
		ResponseTimeoutHandler.disarm(this.channel);
		advance(10_000);
		assertThat(this.channel.isOpen()).isTrue();
		this.channel.checkException();
	}

	@Test
	void aKeptAliveConnectionIdleForLongerThanTheTimeoutServesTheNextRequest() {
		ResponseTimeoutHandler.arm(this.channel, TIMEOUT, null);
		ResponseTimeoutHandler.disarm(this.channel);
		advance(5_000);

		ResponseTimeoutHandler.arm(this.channel, TIMEOUT, null);
		advance(299);
		assertThat(this.channel.isOpen()).isTrue();
		advance(1);
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void aShorterTimeoutAfterAReloadIsNotHeldBackByTheCheckPlannedForTheLongerOne() {
		ResponseTimeoutHandler.arm(this.channel, Duration.ofSeconds(30), null);
		ResponseTimeoutHandler.disarm(this.channel);

		ResponseTimeoutHandler.arm(this.channel, TIMEOUT, null);
		advance(300);
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void oneHandlerServesEveryRequestOfTheConnection() {
		for (int i = 0; i < 3; i++) {
			ResponseTimeoutHandler.arm(this.channel, TIMEOUT, null);
			ResponseTimeoutHandler.disarm(this.channel);
		}
		assertThat(this.channel.pipeline().names()).containsOnlyOnce(ResponseTimeoutHandler.NAME);
	}

	private void advance(long millis) {
		this.channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
		this.channel.runScheduledPendingTasks();
	}

}
