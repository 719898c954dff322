package io.cryptofeed.proxy.core;

import java.util.List;
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

}
