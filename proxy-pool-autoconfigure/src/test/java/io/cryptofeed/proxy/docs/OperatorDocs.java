package io.cryptofeed.proxy.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pages operators copy names from, read as text: table rows are lines that start with
 * {@code |}, split on {@code |} (no cell of the tables read here holds one), and the names
 * quoted in a cell are its backticked parts. Paths are relative to the module's basedir, where
 * Surefire runs.
 */
public final class OperatorDocs {

	static final Path OPERATIONS = Path.of("..", "docs", "operations.md");

	static final Path TROUBLESHOOTING = Path.of("..", "docs", "troubleshooting.md");

	static final Path EXTERNAL_SERVICE = Path.of("..", "docs", "external-service.md");

	static final Path DASHBOARD = Path.of("..", "docs", "grafana", "proxy-pool-dashboard.json");

	private static final Pattern CODE = Pattern.compile("`([^`]+)`");

	private static final Pattern BRACES = Pattern.compile("\\{([^{}]*)}");

	private OperatorDocs() {
	}

	static String read(Path page) {
		try {
			return Files.readString(page, StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** Every page an operator may copy a name from: README.md, docs/*.md and the dashboards. */
	static List<Path> pages() {
		List<Path> pages = new ArrayList<>(List.of(Path.of("..", "README.md")));
		try (var docs = Files.list(Path.of("..", "docs")); var dashboards = Files.list(DASHBOARD.getParent())) {
			docs.filter((page) -> page.toString().endsWith(".md")).sorted().forEach(pages::add);
			dashboards.filter((page) -> page.toString().endsWith(".json")).sorted().forEach(pages::add);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return pages;
	}

	/** The text from the heading that starts with {@code heading} to the next heading of its level or above. */
	static String section(Path page, String heading) {
		String text = read(page);
		int start = text.indexOf("\n" + heading);
		assertThat(start).as("%s has a section '%s'", page, heading).isNotNegative();
		String level = heading.substring(0, heading.indexOf(' ') + 1);
		Matcher next = Pattern.compile("\n#{1," + (level.length() - 1) + "} ").matcher(text);
		int end = next.find(start + heading.length()) ? next.start() : text.length();
		return text.substring(start + 1, end);
	}

	/**
	 * The rows of the first table in {@code text} whose header row starts with the given first
	 * cell, header and separator left out, each as its cells without the outer pipes.
	 */
	static List<List<String>> table(String text, String firstHeader) {
		List<List<String>> rows = new ArrayList<>();
		boolean inTable = false;
		for (String line : text.lines().toList()) {
			if (!line.startsWith("|")) {
				if (inTable) {
					break;
				}
				continue;
			}
			List<String> cells = cells(line);
			if (!inTable && cells.get(0).equals(firstHeader)) {
				inTable = true;
			}
			else if (inTable && !cells.get(0).startsWith("---")) {
				rows.add(cells);
			}
		}
		assertThat(rows).as("rows of the table headed '%s'", firstHeader).isNotEmpty();
		return rows;
	}

	private static List<String> cells(String line) {
		String inner = line.strip().replaceAll("^\\|", "").replaceAll("\\|$", "");
		return Arrays.stream(inner.split("\\|", -1)).map(String::strip).toList();
	}

	/** The backticked parts of a cell, in order. */
	static List<String> quoted(String cell) {
		return CODE.matcher(cell).results().map((match) -> match.group(1)).toList();
	}

	/**
	 * {@code a_{x,y}} as {@code a_x} and {@code a_y}: the one shorthand the tables use for
	 * several names (configuration.md's property rows use it too).
	 */
	public static Set<String> expand(String name) {
		Matcher braces = BRACES.matcher(name);
		if (!braces.find()) {
			return Set.of(name);
		}
		Set<String> names = new LinkedHashSet<>();
		for (String choice : braces.group(1).split(",")) {
			names.addAll(expand(name.substring(0, braces.start()) + choice.strip() + name.substring(braces.end())));
		}
		return names;
	}

}
