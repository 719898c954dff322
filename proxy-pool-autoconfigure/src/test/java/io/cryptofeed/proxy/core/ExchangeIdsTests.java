package io.cryptofeed.proxy.core;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The rule by which exchange ids match: ignoring case, '-' and '_', as Spring Boot binds them. */
class ExchangeIdsTests {

	@ParameterizedTest
	@CsvSource({ "COINBASE_PRO, coinbase-pro", "CoinbasePro, coinbase-pro", "coinbasepro, coinbase_pro",
			"GATE_IO, gate-io", "gateio, gate_io", "BINANCE, binance", "Binance.US, binance.us", "a--b, _A_B_" })
	void spellingsOfOneExchangeAreTheSame(String named, String configured) {
		assertThat(ExchangeIds.same(named, configured)).isTrue();
		assertThat(ExchangeIds.ORDER.compare(named, configured)).isZero();
		assertThat(ExchangeIds.fold(named)).isEqualTo(ExchangeIds.fold(configured));
	}

	/** Every other character counts; the order agrees with the folded ids', both ways round. */
	@ParameterizedTest
	@CsvSource({ "binance.us, binanceus", "binance, binanceus", "coinbase, coinbase-pro", "okx, okex", "b, ''",
			"kraken-, krakenx", "Bybit, bitget" })
	void otherIdsAreNot(String id, String other) {
		assertThat(ExchangeIds.same(id, other)).isFalse();
		int order = Integer.signum(ExchangeIds.fold(id).compareTo(ExchangeIds.fold(other)));
		assertThat(order).isNotZero();
		assertThat(Integer.signum(ExchangeIds.ORDER.compare(id, other))).isEqualTo(order);
		assertThat(Integer.signum(ExchangeIds.ORDER.compare(other, id))).isEqualTo(-order);
	}

	@Test
	void theFoldedIdIsLowerCaseWithoutDashesAndUnderscores() {
		assertThat(ExchangeIds.fold("COINBASE_PRO")).isEqualTo("coinbasepro");
		assertThat(ExchangeIds.fold("Gate-IO")).isEqualTo("gateio");
		assertThat(ExchangeIds.fold("crypto.com")).isEqualTo("crypto.com");
	}

	/** What routing relies on: one lookup in a map ordered by the rule finds any spelling. */
	@Test
	void aMapOrderedByTheRuleFindsEverySpellingOfAConfiguredId() {
		TreeMap<String, String> configured = new TreeMap<>(ExchangeIds.ORDER);
		for (String id : List.of("binance", "binance.us", "coinbase-pro", "gate_io", "kraken", "okx")) {
			configured.put(id, id);
		}
		assertThat(configured.get("COINBASE_PRO")).isEqualTo("coinbase-pro");
		assertThat(configured.get("CoinbasePro")).isEqualTo("coinbase-pro");
		assertThat(configured.get("GATE-IO")).isEqualTo("gate_io");
		assertThat(configured.get("Binance.US")).isEqualTo("binance.us");
		assertThat(configured.get("BINANCE")).isEqualTo("binance");
		assertThat(configured.get("binanceus")).isNull();
		assertThat(configured.get("coinbase")).isNull();
	}

	/**
	 * The order is the folded ids' order, so a TreeMap can rely on it: antisymmetric and
	 * transitive over random ids made of letters in both cases, digits, dots, '-' and '_' at any
	 * place (all of an id too, or none of it), and letters whose case folding leaves ASCII
	 * (dotless i, long s, the Kelvin sign) or is not ASCII at all.
	 */
	@Test
	void theOrderIsTheFoldedIdsOrderAndATotalOrder() {
		Random random = new Random(20261102L);
		String alphabet = "aAbBiIkKsSzZ09.-_\u0131\u017f\u212a\u00e9\u00c9\u00df";
		List<String> ids = new ArrayList<>(List.of("", "-", "_", "--__", "a", "A-", "_a"));
		for (int i = 0; i < 400; i++) {
			StringBuilder id = new StringBuilder();
			for (int n = random.nextInt(6); n > 0; n--) {
				id.append(alphabet.charAt(random.nextInt(alphabet.length())));
			}
			ids.add(id.toString());
		}
		for (String a : ids) {
			for (String b : ids) {
				int order = Integer.signum(ExchangeIds.ORDER.compare(a, b));
				assertThat(order).as("%s vs %s", a, b)
					.isEqualTo(Integer.signum(ExchangeIds.fold(a).compareTo(ExchangeIds.fold(b))))
					.isEqualTo(-Integer.signum(ExchangeIds.ORDER.compare(b, a)));
				assertThat(ExchangeIds.same(a, b)).isEqualTo(order == 0);
			}
		}
		// a TreeMap ordered by the rule holds one key per folded id, found by every spelling
		TreeMap<String, String> byRule = new TreeMap<>(ExchangeIds.ORDER);
		ids.forEach((id) -> byRule.putIfAbsent(id, id));
		assertThat(byRule).hasSameSizeAs(ids.stream().map(ExchangeIds::fold).distinct().toList());
		for (String id : ids) {
			assertThat(ExchangeIds.fold(byRule.get(id))).isEqualTo(ExchangeIds.fold(id));
			assertThat(byRule.floorKey(id)).isSameAs(byRule.ceilingKey(id));
		}
	}

	/** Where case folding leaves ASCII, the rule folds as String.CASE_INSENSITIVE_ORDER does. */
	@Test
	void lettersWhoseCaseFoldingLeavesAsciiMatchTheirAsciiLetter() {
		for (String[] pair : new String[][] { { "b\u0131nance", "BINANCE" }, { "ok\u017f", "OKS" },
				{ "\u212araken", "kraken" } }) {
			assertThat(ExchangeIds.same(pair[0], pair[1])).as(pair[0]).isTrue();
			assertThat(String.CASE_INSENSITIVE_ORDER.compare(pair[0], pair[1])).as(pair[0]).isZero();
		}
	}

}
