package io.cryptofeed.proxy.core;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Pools built in code (a {@code ProxyPools} bean of an application's own) meet the rules the
 * properties meet, where they are built, with a message that says which: not a bare
 * {@code NullPointerException}, nor a pool that times every request out at once.
 */
class PoolSpecTests {

	private static final PoolKey KEY = new PoolKey("binance", ConnectionType.HTTP);

	private static final MemberSpec MEMBER = MemberSpec.of(ProxyEndpoint.parse("socks5://u:secret@10.0.0.5:1080"));

	@ParameterizedTest
	@ValueSource(strings = { "PT0S", "PT-5S", "PT0.0005S", "P25D" })
	void aTimeoutNoTimerTakesIsRefused(Duration timeout) {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new PoolSpec(KEY, PoolSpec.Origin.POOL, List.of(MEMBER), "round-robin", timeout))
			.withMessageStartingWith("pool binance/http: the timeout ")
			.withMessageContaining("must be");
	}

	@Test
	void aBlankStrategyIsRefused() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new PoolSpec(KEY, PoolSpec.Origin.POOL, List.of(MEMBER), " ", PoolSpec.DEFAULT_TIMEOUT))
			.withMessageContaining("has no strategy");
	}

	@Test
	void theSameProxyTwiceIsRefusedWithoutItsCredentials() {
		MemberSpec again = MemberSpec.of(ProxyEndpoint.parse("socks5://u:other-secret@10.0.0.5:1080"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new PoolSpec(KEY, PoolSpec.Origin.POOL, List.of(MEMBER, again), "round-robin",
					PoolSpec.DEFAULT_TIMEOUT))
			.withMessage("pool binance/http: member 1 (socks5://***@10.0.0.5:1080) is the same proxy as an earlier"
					+ " member: remove it, or raise the earlier one's weight");
		assertThat(new PoolSpec(KEY, PoolSpec.Origin.POOL,
				List.of(MEMBER, MemberSpec.of(ProxyEndpoint.parse("socks5://v:secret@10.0.0.5:1080"))), "random",
				PoolSpec.DEFAULT_TIMEOUT).members()).hasSize(2);
	}

	@Test
	void aMetadataLabelWithoutANameOrAValueIsNamed() {
		Map<String, String> noValue = new HashMap<>();
		noValue.put("region", null);
		assertThatIllegalArgumentException().isThrownBy(() -> new MemberSpec(MEMBER.endpoint(), 1, true, noValue))
			.withMessage("the metadata label 'region' has no value");
		Map<String, String> noName = new HashMap<>();
		noName.put(null, "eu-west");
		assertThatIllegalArgumentException().isThrownBy(() -> new MemberSpec(MEMBER.endpoint(), 1, true, noName))
			.withMessage("a metadata label has no name");
	}

}
