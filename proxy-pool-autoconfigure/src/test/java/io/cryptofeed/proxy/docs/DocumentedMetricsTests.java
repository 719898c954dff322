package io.cryptofeed.proxy.docs;

import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.cryptofeed.proxy.service.ServiceMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The meter tables operators build alerts and dashboards from (operations.md's, and
 * external-service.md's for the proxy service), against the meters a running starter
 * registers: each documented meter exists with the documented type and tag keys, each
 * registered one is documented, and each Prometheus name of the table is in the scrape and the
 * other way round. Then every Prometheus name a page or dashboard quotes (alert rules, PromQL,
 * prose) is one of the table's, with label names the series has.
 */
class DocumentedMetricsTests {

	/** Tags every meter of operations.md's table has unless its row says {@code no `tag`}. */
	private static final Set<String> POOL_TAGS = Set.of("exchange", "type");

	private static final String BREAKERS = "resilience4j_circuitbreaker";

	private static final Pattern PROMETHEUS_NAME = Pattern
		.compile("\\b((?:cryptofeed|resilience4j)_[a-z0-9_]*[a-z0-9])(_\\{[a-z,]+})?(\\{[^}]*})?");

	private static final Pattern TAG_VALUES = Pattern.compile("`([a-z]+)`\\s*\\(((?:`?[a-z_-]+`?(?:,\\s*)?)+)\\)");

	private static final Pattern SERIES_COUNTS = Pattern
		.compile("each pool adds (\\d+) series and each member (\\d+),.*?`cryptofeed\\.proxy\\.direct` adds (\\d+)");

	private static final Pattern LABEL = Pattern.compile("([A-Za-z_]\\w*)\\s*(?:=~|!~|!=|=)");

	@Test
	void everyDocumentedMeterIsRegisteredWithItsTypeAndTagsAndNothingElseIs() {
		Map<String, Documented> documented = documentedMeters();
		RunningStarter.run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			List<String> drifts = new ArrayList<>();
			Map<String, List<Meter>> registered = new TreeMap<>();
			registry.getMeters()
				.stream()
				.filter((meter) -> meter.getId().getName().startsWith("cryptofeed."))
				.forEach((meter) -> registered.computeIfAbsent(meter.getId().getName(), (name) -> new ArrayList<>())
					.add(meter));
			documented.forEach((name, doc) -> {
				List<Meter> meters = registered.get(name);
				if (meters == null) {
					drifts.add(doc.page() + ": `" + name + "` is documented, but no meter of that name is registered;"
							+ " the code registers " + registered.keySet());
					return;
				}
				for (Meter meter : meters) {
					Set<String> keys = new TreeSet<>(meter.getId().getTags().stream().map(Tag::getKey).toList());
					if (!keys.equals(doc.tags())) {
						drifts.add(doc.page() + ": `" + name + "` is documented with tags " + doc.tags()
								+ ", the code tags it " + keys);
					}
					if (!doc.type().isEmpty() && !typeOf(meter).equals(doc.type())) {
						drifts.add(doc.page() + ": `" + name + "` is documented as a " + doc.type()
								+ ", the code registers a " + typeOf(meter));
					}
				}
			});
			registered.keySet()
				.stream()
				.filter((name) -> !documented.containsKey(name))
				.forEach((name) -> drifts.add("`" + name + "` is registered, but neither " + OperatorDocs.OPERATIONS
						+ " nor " + OperatorDocs.EXTERNAL_SERVICE + " documents it"));
			assertThat(registry.getMeters()).as("the members' circuit breakers, documented as resilience4j.circuitbreaker.*")
				.anyMatch((meter) -> meter.getId().getName().startsWith("resilience4j.circuitbreaker."));
			assertThat(drifts).as("meters documented and registered").isEmpty();
		});
	}

	/**
	 * The values the tables list for a tag are the ones the code tags with, both ways. The proxy
	 * service's calls are tagged as they fail: each reason the code knows is made to fail once.
	 */
	@Test
	void everyDocumentedTagValueIsTheCodesAndNothingElseIs() {
		Map<String, Documented> documented = documentedMeters();
		RunningStarter.run((context) -> {
			ServiceMetrics service = context.getBean(ServiceMetrics.class);
			for (Object reason : Class.forName("io.cryptofeed.proxy.service.ServiceCallException$Reason")
				.getEnumConstants()) {
				Method id = reason.getClass().getDeclaredMethod("id");
				id.setAccessible(true);
				service.requestFailed((String) id.invoke(reason), Duration.ofMillis(1));
			}
			service.fallbackUsed("direct");
			service.fallbackUsed("fail");
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			List<String> drifts = new ArrayList<>();
			int listed = 0;
			for (Map.Entry<String, Documented> meter : documented.entrySet()) {
				for (Map.Entry<String, Set<String>> tag : meter.getValue().values().entrySet()) {
					listed++;
					Set<String> tagged = new TreeSet<>(registry.find(meter.getKey())
						.meters()
						.stream()
						.map((registered) -> registered.getId().getTag(tag.getKey()))
						.filter(Objects::nonNull)
						.toList());
					if (!tagged.equals(tag.getValue())) {
						drifts.add(meter.getValue().page() + ": `" + meter.getKey() + "` is documented with "
								+ tag.getKey() + " " + tag.getValue() + ", the code tags it " + tagged);
					}
				}
			}
			assertThat(listed).as("tags whose values the tables list").isGreaterThanOrEqualTo(7);
			assertThat(drifts).as("tag values documented and registered").isEmpty();
		});
	}

	@Test
	void everyDocumentedPrometheusNameIsScrapedAndEveryScrapedOneIsDocumented() {
		Set<String> documented = documentedPrometheusNames();
		RunningStarter.run((context) -> {
			PrometheusMeterRegistry registry = context.getBean(PrometheusMeterRegistry.class);
			Map<String, Set<String>> scraped = samples(registry);
			Map<String, Set<String>> families = samplesAndFamilies(registry);
			List<String> drifts = new ArrayList<>();
			documented.stream()
				.filter((name) -> !families.containsKey(name))
				.forEach((name) -> drifts.add(OperatorDocs.OPERATIONS + ": `" + name
						+ "` is in the metrics table, but not in the scrape, whose names are "
						+ names(scraped, name.substring(0, name.indexOf('_', name.indexOf('_') + 1)))));
			scraped.keySet()
				.stream()
				// the proxy service's meters are documented by their Micrometer names only
				.filter((name) -> name.startsWith("cryptofeed_") && !name.startsWith("cryptofeed_proxy_service_"))
				.filter((name) -> !documented.contains(name))
				.forEach((name) -> drifts.add("`" + name + "` is scraped, but the metrics table of "
						+ OperatorDocs.OPERATIONS + " does not name it"));
			assertThat(drifts).as("Prometheus names of the metrics table and of the scrape").isEmpty();
		});
	}

	/**
	 * The series counts operators size their Prometheus by: per pool, per member, and for what
	 * went direct. The starter runs two pools, of two members and of one.
	 */
	@Test
	void theSeriesCountsAreTheDocumentedOnes() {
		String metrics = OperatorDocs.section(OperatorDocs.OPERATIONS, "## Metrics").replaceAll("\\s+", " ");
		Matcher counts = SERIES_COUNTS.matcher(metrics);
		assertThat(counts.find()).as("%s says how many series a pool, a member and direct add", OperatorDocs.OPERATIONS)
			.isTrue();
		int perPool = Integer.parseInt(counts.group(1));
		int perMember = Integer.parseInt(counts.group(2));
		int direct = Integer.parseInt(counts.group(3));
		RunningStarter.run((context) -> {
			List<String> series = context.getBean(PrometheusMeterRegistry.class)
				.scrape()
				.lines()
				.filter((line) -> line.startsWith("cryptofeed_proxy_"))
				.toList();
			assertThat(series.stream().filter((line) -> line.startsWith("cryptofeed_proxy_direct_total")))
				.as("%s: series of cryptofeed.proxy.direct", OperatorDocs.OPERATIONS)
				.hasSize(direct);
			// the pools' own: neither what went direct, nor cooldowns, nor the proxy service's
			assertThat(series.stream()
				.filter((line) -> !line.startsWith("cryptofeed_proxy_direct_") && !line.startsWith("cryptofeed_proxy_cooldown")
						&& !line.startsWith("cryptofeed_proxy_service_")))
				.as("%s: series of two pools, of two members and one", OperatorDocs.OPERATIONS)
				.hasSize(2 * perPool + 3 * perMember);
		});
	}

	@Test
	void everyPrometheusNameAPageOrDashboardQuotesIsOneOfTheTablesWithLabelsItHas() {
		Set<String> documented = documentedPrometheusNames();
		RunningStarter.run((context) -> {
			Map<String, Set<String>> scraped = samplesAndFamilies(context.getBean(PrometheusMeterRegistry.class));
			List<String> drifts = new ArrayList<>();
			int quoted = 0;
			for (Path page : OperatorDocs.pages()) {
				Matcher name = PROMETHEUS_NAME.matcher(OperatorDocs.read(page));
				while (name.find()) {
					quoted++;
					for (String expanded : OperatorDocs.expand(name.group(1) + nullToEmpty(name.group(2)))) {
						boolean known = expanded.startsWith(BREAKERS) ? scraped.containsKey(expanded)
								: documented.contains(expanded);
						if (!known) {
							drifts.add(page + ": `" + name.group() + "` names `" + expanded + "`, which is "
									+ (expanded.startsWith(BREAKERS) ? "not in the scrape"
											: "not in the metrics table of " + OperatorDocs.OPERATIONS)
									+ "; similar names there: " + names(scraped, expanded.substring(0, 15)));
							continue;
						}
						if (name.group(3) != null) {
							Set<String> labels = scraped.getOrDefault(expanded, Set.of());
							LABEL.matcher(name.group(3).replace("\\\"", "\""))
								.results()
								.map((label) -> label.group(1))
								.filter((label) -> !labels.contains(label))
								.forEach((label) -> drifts.add(page + ": `" + name.group() + "` selects on label `"
										+ label + "`, which `" + expanded + "` does not have; it has " + labels));
						}
					}
				}
			}
			assertThat(quoted).as("Prometheus names quoted in the pages").isGreaterThan(40);
			assertThat(drifts).as("Prometheus names the pages quote").isEmpty();
		});
	}

	private static String nullToEmpty(String text) {
		return (text != null) ? text : "";
	}

	private static Set<String> names(Map<String, Set<String>> scraped, String prefix) {
		return new TreeSet<>(scraped.keySet().stream().filter((name) -> name.startsWith(prefix)).toList());
	}

	/** The series of the scrape, each with the label names it carries. */
	private static Map<String, Set<String>> samples(PrometheusMeterRegistry registry) {
		Map<String, Set<String>> series = new TreeMap<>();
		registry.scrape().lines().filter((line) -> !line.isBlank() && !line.startsWith("#")).forEach((line) -> {
			String name = line.split("[{ ]", 2)[0];
			Set<String> labels = series.computeIfAbsent(name, (n) -> new TreeSet<>());
			int open = line.indexOf('{');
			if (open > 0) {
				Matcher label = Pattern.compile("(\\w+)=\"").matcher(line.substring(open, line.lastIndexOf('}')));
				while (label.find()) {
					labels.add(label.group(1));
				}
			}
		});
		return series;
	}

	/**
	 * The series of the scrape and, with no label, each metric family's name (a timer's
	 * {@code x_seconds} of {@code x_seconds_count} and {@code x_seconds_sum}).
	 */
	private static Map<String, Set<String>> samplesAndFamilies(PrometheusMeterRegistry registry) {
		Map<String, Set<String>> names = samples(registry);
		registry.scrape()
			.lines()
			.filter((line) -> line.startsWith("# TYPE "))
			.forEach((line) -> names.putIfAbsent(line.split(" ")[2], Set.of()));
		return names;
	}

	private static String typeOf(Meter meter) {
		if (meter instanceof Counter || meter instanceof FunctionCounter) {
			return "counter";
		}
		if (meter instanceof Gauge) {
			return "gauge";
		}
		if (meter instanceof Timer) {
			return "timer";
		}
		return meter.getId().getType().name().toLowerCase();
	}

	/** The Micrometer names of both tables, with their type and tag keys. */
	static Map<String, Documented> documentedMeters() {
		Map<String, Documented> meters = new LinkedHashMap<>();
		for (List<String> row : OperatorDocs.table(OperatorDocs.section(OperatorDocs.OPERATIONS, "## Metrics"),
				"meter")) {
			String name = OperatorDocs.quoted(row.get(0)).get(0);
			if (name.startsWith("resilience4j.")) {
				continue;
			}
			Set<String> tags = new TreeSet<>(POOL_TAGS);
			String extra = row.get(3).replaceAll("\\([^)]*\\)", "");
			for (String part : extra.split(";")) {
				if (part.strip().startsWith("no ")) {
					tags.removeAll(OperatorDocs.quoted(part));
				}
				else {
					tags.addAll(OperatorDocs.quoted(part));
				}
			}
			meters.put(name, new Documented(OperatorDocs.OPERATIONS, typeWord(row.get(2)), tags, values(row.get(3))));
		}
		for (List<String> row : OperatorDocs.table(OperatorDocs.read(OperatorDocs.EXTERNAL_SERVICE), "meter")) {
			String name = OperatorDocs.quoted(row.get(0)).get(0);
			Set<String> tags = new TreeSet<>(OperatorDocs.quoted(row.get(2).replaceAll("\\([^)]*\\)", "")));
			meters.put(name, new Documented(OperatorDocs.EXTERNAL_SERVICE, typeWord(row.get(1)), tags, values(row.get(2))));
		}
		return meters;
	}

	/**
	 * The values a tags cell lists in parentheses after a tag: {@code `outcome` (`success`,
	 * `failure`)} or {@code `to` (embedded, direct, fail)}; a parenthesis that explains rather
	 * than lists ({@code `member` (its index)}) lists nothing.
	 */
	private static Map<String, Set<String>> values(String cell) {
		Map<String, Set<String>> values = new TreeMap<>();
		Matcher listed = TAG_VALUES.matcher(cell);
		while (listed.find()) {
			values.put(listed.group(1), new TreeSet<>(List.of(listed.group(2).replace("`", "").split("\\s*,\\s*"))));
		}
		return values;
	}

	/** {@code gauge 1/0} and {@code timer: count = calls, ...} as {@code gauge} and {@code timer}. */
	private static String typeWord(String cell) {
		Matcher word = Pattern.compile("^(counter|gauge|timer)\\b").matcher(cell);
		return word.find() ? word.group(1) : "";
	}

	/** The Prometheus names of operations.md's metrics table, braces and the breakers' {@code …_x} expanded. */
	private static Set<String> documentedPrometheusNames() {
		Set<String> names = new HashSet<>();
		for (List<String> row : OperatorDocs.table(OperatorDocs.section(OperatorDocs.OPERATIONS, "## Metrics"),
				"meter")) {
			for (String name : OperatorDocs.quoted(row.get(1))) {
				if (name.equals("…")) {
					continue;
				}
				names.addAll(OperatorDocs.expand(name.replace("…", BREAKERS)));
			}
		}
		return names;
	}

	/**
	 * @param values the values the row lists for some of its tags ({@code `outcome` (`success`,
	 * `failure`)}), by tag
	 */
	record Documented(Path page, String type, Set<String> tags, Map<String, Set<String>> values) {
	}

}
