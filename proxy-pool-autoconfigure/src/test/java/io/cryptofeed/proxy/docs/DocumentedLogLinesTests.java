package io.cryptofeed.proxy.docs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The log lines and messages operators grep for, as the pages quote them (operations.md's log
 * table, troubleshooting.md's headings, any page's prose), against the string literals of the
 * sources: some message the code writes must read as the quote, and hold the quote's prefix
 * (up to three words, before the first {@code :}, {@code =} or varying part) in a literal,
 * where a grep of the sources finds it. In a quote, {@code …}, {@code ...},
 * {@code <placeholders>} and URLs stand for what varies, and a quote may be part of its line;
 * in the code, MessageFormat arguments and concatenated values vary. So
 * {@code state=unhealthy} matches {@code state=unhealthy} and {@code state={2}}, but not
 * {@code state=sick}. Every literal part of a quote, between what varies, is in the message,
 * in order: a value of the code may hold an example the quote shows, as {@code unhealthy}
 * there, but not a literal part of the quote on its own, so {@code of … exchangez and types}
 * does not match {@code of {0} exchanges and types, … at most {1}; …}.
 */
class DocumentedLogLinesTests {

	private static final char GAP = SourceLiterals.GAP;

	/** What a quote shows as varying, and a URL, which is always an example. */
	private static final Pattern VARIES = Pattern.compile("<[^<>]*>|…|\\.\\.\\.|[a-z0-9]+://[^\\s]*");

	/** A quote that starts as the starter's lines do: {@code proxy}, words, then {@code :} or {@code =}. */
	private static final Pattern QUOTED_LINE = Pattern.compile("`(proxy [a-z' -]+[:=][^`]*)`");

	private static final Pattern HEADING = Pattern.compile("(?m)^#{2,4} `([^`]+)`(.*)$");

	/** A {@code key=} of a quote: a lower-case word after a space or gap. */
	private static final Pattern KEY = Pattern.compile("(?<=[ " + GAP + "])[a-z][a-z-]*=");

	/**
	 * The start of a quote that a grep of the sources must find: up to three words, before a
	 * {@code :}, {@code =} or gap.
	 */
	private static final Pattern PREFIX = Pattern.compile("^[^:=" + GAP + " ]*(?: [^:=" + GAP + " ]+){0,2}:?");

	private final List<String> templates = SourceLiterals.byFile()
		.values()
		.stream()
		.flatMap(List::stream)
		.map(DocumentedLogLinesTests::normalized)
		.toList();

	/**
	 * The keys some literal starts with ({@code "reason=" + ...}, {@code append(" members=[")}): the
	 * parts of a line that another piece of code writes, so a value may hold them.
	 */
	private final Set<String> partKeys = this.templates.stream()
		.map((template) -> Pattern.compile("^ ?([a-z][a-z-]*=)").matcher(template))
		.filter(Matcher::find)
		.map((key) -> key.group(1))
		.collect(Collectors.toSet());

	@Test
	void everyLineOfTheLogTableIsWrittenByTheCode() {
		List<String> drifts = new ArrayList<>();
		List<List<String>> rows = OperatorDocs.table(OperatorDocs.section(OperatorDocs.OPERATIONS, "## Logs"), "line");
		for (List<String> row : rows) {
			for (String line : OperatorDocs.quoted(row.get(0))) {
				check(OperatorDocs.OPERATIONS, line, drifts);
			}
		}
		assertThat(drifts).as("log lines of the table in %s", OperatorDocs.OPERATIONS).isEmpty();
	}

	/**
	 * A heading that quotes a line of another library (it says whose: {@code from `…`}) is left
	 * out.
	 */
	@Test
	void everyLineTroubleshootingExplainsIsWrittenByTheCode() {
		List<String> drifts = new ArrayList<>();
		Matcher heading = HEADING.matcher(OperatorDocs.read(OperatorDocs.TROUBLESHOOTING));
		int checked = 0;
		while (heading.find()) {
			if (!heading.group(2).contains(" from `")) {
				checked++;
				check(OperatorDocs.TROUBLESHOOTING, heading.group(1), drifts);
			}
		}
		assertThat(checked).as("lines quoted in headings of %s", OperatorDocs.TROUBLESHOOTING).isGreaterThan(30);
		assertThat(drifts).as("lines explained in %s", OperatorDocs.TROUBLESHOOTING).isEmpty();
	}

	/** Lines the pages quote in their prose, as {@code `proxy cooldown: …`}. */
	@Test
	void everyLineAPageQuotesIsWrittenByTheCode() {
		List<String> drifts = new ArrayList<>();
		int checked = 0;
		for (Path page : OperatorDocs.pages()) {
			Matcher line = QUOTED_LINE.matcher(OperatorDocs.read(page));
			while (line.find()) {
				checked++;
				check(page, line.group(1), drifts);
			}
		}
		assertThat(checked).as("lines of the starter quoted in the pages").isGreaterThan(50);
		assertThat(drifts).as("lines the pages quote").isEmpty();
	}

	private void check(Path page, String quoted, List<String> drifts) {
		String marked = normalized(VARIES.matcher(quoted).replaceAll(String.valueOf(GAP)));
		if (!written(GAP + marked + GAP, true)) {
			drifts.add(page + ": `" + quoted + "` is written by no source file; messages that start as it does: "
					+ similar(quoted));
		}
	}

	/**
	 * Whether a template reads as the quote; or, when {@code composed} lines are allowed, a
	 * template that ends with a value ({@code "proxy pool: " + line}) reads as the quote's start
	 * and another template as the rest.
	 */
	private boolean written(String quote, boolean composed) {
		String prefix = PREFIX.matcher(quote.substring(1)).results().findFirst().map(MatchResult::group).orElse("");
		for (String template : this.templates) {
			if (!template.contains(prefix.strip())) {
				continue;
			}
			if (reads(quote, template)[quote.length()][template.length()]) {
				return true;
			}
			// a quote that starts with a gap would otherwise split anywhere
			if (composed && !prefix.isBlank() && template.endsWith(String.valueOf(GAP))) {
				boolean[][] start = reads(quote, template.substring(0, template.length() - 1));
				for (int k = 1; k < quote.length(); k++) {
					if (start[k][template.length() - 1] && written(GAP + quote.substring(k), false)) {
						return true;
					}
				}
			}
		}
		return false;
	}

	private static String normalized(String text) {
		return text.replaceAll("\\s+", " ");
	}

	/**
	 * Which starts of the quote and the template some text reads as both: {@code [i][j]} for
	 * their first {@code i} and {@code j} characters. Each {@link #GAP} stands for any text, the
	 * other's gaps included, except that a value the code fills in holds no {@code key=} of the
	 * quote (unless a literal starts with it): else {@code member={1}} would read as
	 * {@code member=… state=sick}; it starts after literal text of the quote
	 * ({@link #afterLiteral}), and past one of the quote's gaps it holds no further word
	 * ({@link #wordStarts}). So each literal part of the quote, between its gaps, is in the
	 * template, in order, but for the examples of values it shows.
	 */
	private boolean[][] reads(String quote, String template) {
		int n = quote.length();
		int m = template.length();
		boolean[] keyEquals = keyEquals(quote);
		boolean[] afterLiteral = afterLiteral(quote);
		boolean[] wordStarts = wordStarts(quote);
		boolean[][] reads = new boolean[n + 1][m + 1];
		// [i][j]: reads, with the template's gap j - 1 holding the quote's character i - 1 and
		// no gap of the quote before it (inValue), or one (pastGap)
		boolean[][] inValue = new boolean[n + 1][m + 1];
		boolean[][] pastGap = new boolean[n + 1][m + 1];
		reads[0][0] = true;
		for (int i = 0; i <= n; i++) {
			for (int j = 0; j <= m; j++) {
				if (i == 0 && j == 0) {
					continue;
				}
				boolean gapInQuote = i > 0 && quote.charAt(i - 1) == GAP;
				boolean gapInTemplate = j > 0 && template.charAt(j - 1) == GAP;
				if (gapInTemplate && i > 0 && !keyEquals[i - 1]) {
					boolean holds = inValue[i - 1][j] || (afterLiteral[i - 1] && reads[i - 1][j - 1]);
					inValue[i][j] = holds && !gapInQuote;
					pastGap[i][j] = (gapInQuote && holds) || (pastGap[i - 1][j] && !wordStarts[i - 1]);
				}
				reads[i][j] = (gapInQuote && (reads[i - 1][j] || (j > 0 && reads[i][j - 1])))
						|| (gapInTemplate && (reads[i][j - 1] || inValue[i][j] || pastGap[i][j]))
						|| (i > 0 && j > 0 && quote.charAt(i - 1) == template.charAt(j - 1) && reads[i - 1][j - 1]);
			}
		}
		return reads;
	}

	/**
	 * Where a value the code fills in may start to hold the quote's text: after literal text of
	 * the quote (more than spaces) since its last gap, as {@code unhealthy} in
	 * {@code state=unhealthy}. Else {@code … exchangez} would read as {@code {0} exchanges … at
	 * most {1}}, the value {@code {1}} holding {@code exchangez}.
	 */
	private static boolean[] afterLiteral(String quote) {
		boolean[] afterLiteral = new boolean[quote.length()];
		boolean literal = false;
		for (int i = 0; i < quote.length(); i++) {
			afterLiteral[i] = literal;
			char c = quote.charAt(i);
			literal = (c != GAP) && (literal || c != ' ');
		}
		return afterLiteral;
	}

	/**
	 * Where a word of the quote starts, after a space, unless it is a {@code key=} some literal
	 * starts with: a value that holds one of the quote's gaps holds no such word after it, as
	 * {@code {0}} may hold {@code …ms} or {@code […, …]}, but not {@code … exchangez} after
	 * {@code of}.
	 */
	private boolean[] wordStarts(String quote) {
		boolean[] wordStarts = new boolean[quote.length()];
		for (int i = 1; i < quote.length(); i++) {
			int at = i;
			wordStarts[i] = quote.charAt(i - 1) == ' ' && Character.isLetterOrDigit(quote.charAt(i))
					&& this.partKeys.stream().noneMatch((key) -> quote.startsWith(key, at));
		}
		return wordStarts;
	}

	/**
	 * The {@code =} of each {@code key=} in the quote (a lower-case word after a space) that no
	 * literal starts with.
	 */
	private boolean[] keyEquals(String quote) {
		boolean[] keyEquals = new boolean[quote.length()];
		Matcher key = KEY.matcher(quote);
		while (key.find()) {
			keyEquals[key.end() - 1] = !this.partKeys.contains(key.group());
		}
		return keyEquals;
	}

	/** The messages that start with the quote's first two words, what varies shown as {@code …}. */
	private List<String> similar(String quoted) {
		String[] words = quoted.split("[:=…<]", 2)[0].strip().split(" ");
		String prefix = (words.length > 1) ? words[0] + " " + words[1] : words[0];
		return this.templates.stream()
			.filter((template) -> !prefix.isEmpty() && template.startsWith(prefix))
			.map((template) -> template.replace(GAP, '…'))
			.limit(8)
			.toList();
	}

}
