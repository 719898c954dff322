package io.cryptofeed.proxy.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The string literals of the module's main sources, per file, as templates of the text they
 * put into a log line or message: escapes undone, a MessageFormat pattern's {@code ''} as
 * {@code '} and its arguments ({@code {0}}) as {@link #GAP}, and the literals of one
 * concatenation as one, with a {@link #GAP} for each value before, between and after them (a
 * literal inside parentheses there, {@code (x != null) ? x : "(default)"}, is such a value). Comments and
 * character literals are skipped, so a quote in them starts no literal.
 */
final class SourceLiterals {

	/** Where a template holds what varies: any text. */
	static final char GAP = '\u0000';

	private static final Path SOURCES = Path.of("src", "main", "java");

	private static final Pattern ARGUMENT = Pattern.compile("\\{\\d+}");

	private SourceLiterals() {
	}

	/** Each source file's templates, by the file's path below {@code src/main/java}. */
	static Map<String, List<String>> byFile() {
		Map<String, List<String>> literals = new LinkedHashMap<>();
		try (Stream<Path> files = Files.walk(SOURCES)) {
			for (Path file : files.filter((path) -> path.toString().endsWith(".java")).sorted().toList()) {
				literals.put(SOURCES.relativize(file).toString(), of(Files.readString(file, StandardCharsets.UTF_8)));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		return literals;
	}

	static List<String> of(String source) {
		List<String> templates = new ArrayList<>();
		StringBuilder template = null;
		// the depth of the concatenation's first literal, and what came since its last literal
		int base = 0;
		int depth = 0;
		boolean plus = false;
		boolean ended = false;
		int i = 0;
		while (i < source.length()) {
			char c = source.charAt(i);
			if (source.startsWith("//", i)) {
				i = indexOrEnd(source, "\n", i);
			}
			else if (source.startsWith("/*", i)) {
				i = indexOrEnd(source, "*/", i + 2) + 2;
			}
			else if (c == '\'') {
				i = (source.charAt(i + 1) == '\\') ? source.indexOf('\'', i + 3) + 1 : i + 3;
			}
			else if (c == '"') {
				int end = i + 1;
				StringBuilder text = new StringBuilder();
				while (source.charAt(end) != '"') {
					if (source.charAt(end) == '\\') {
						char escaped = source.charAt(end + 1);
						text.append((escaped == 'n') ? '\n' : (escaped == 't') ? '\t' : escaped);
						end += 2;
					}
					else {
						text.append(source.charAt(end++));
					}
				}
				String literal = ARGUMENT.matcher(text.toString().replace("''", "'")).replaceAll(String.valueOf(GAP));
				boolean adjacent = source.substring(previousEnd(source, i), i).strip().equals("+");
				if (template != null && plus && !ended && depth > base) {
					template.append(GAP);
				}
				else if (template != null && plus && !ended && depth == base) {
					template.append(adjacent ? "" : String.valueOf(GAP)).append(literal);
				}
				else {
					if (template != null) {
						templates.add(template.toString() + (plus ? String.valueOf(GAP) : ""));
					}
					boolean afterValue = source.substring(0, i).stripTrailing().endsWith("+");
					template = new StringBuilder(afterValue ? GAP + literal : literal);
					base = depth;
				}
				plus = false;
				ended = false;
				i = end + 1;
			}
			else {
				if (c == '(' || c == '[' || c == '{') {
					depth++;
				}
				else if (c == ')' || c == ']' || c == '}') {
					depth--;
					ended |= depth < base;
				}
				else if (c == '+' && depth == base && !ended) {
					plus = true;
				}
				else if ((c == ';' || c == ',') && depth <= base) {
					ended = true;
				}
				i++;
			}
		}
		if (template != null) {
			templates.add(template.toString() + (plus ? String.valueOf(GAP) : ""));
		}
		return templates;
	}

	/** Where the code before the literal at {@code start} began: after the previous quote. */
	private static int previousEnd(String source, int start) {
		return source.lastIndexOf('"', start - 1) + 1;
	}

	private static int indexOrEnd(String source, String what, int from) {
		int index = source.indexOf(what, from);
		return (index < 0) ? source.length() : index;
	}

}
