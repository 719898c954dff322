package io.cryptofeed.proxy.testsupport;

import java.text.MessageFormat;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the runtime classes log through {@link System.Logger}, captured at the JDK logger of
 * each name (the platform's default backend): every record, formatted, with its level.
 */
public final class CapturedLog extends Handler implements AutoCloseable {

	private final List<Logger> loggers;

	private final List<Level> previousLevels = new CopyOnWriteArrayList<>();

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private CapturedLog(List<Logger> loggers) {
		this.loggers = loggers;
		for (Logger logger : loggers) {
			this.previousLevels.add(logger.getLevel());
			logger.setLevel(Level.ALL);
			logger.addHandler(this);
		}
	}

	public static CapturedLog of(Class<?>... classes) {
		return new CapturedLog(Arrays.stream(classes).map((c) -> Logger.getLogger(c.getName())).toList());
	}

	@Override
	public void publish(LogRecord record) {
		String message = record.getMessage();
		Object[] parameters = record.getParameters();
		if (parameters != null && parameters.length > 0) {
			message = MessageFormat.format(message, parameters);
		}
		this.lines.add(record.getLevel() + " " + message);
	}

	/** Every captured line, {@code LEVEL message}. */
	public List<String> lines() {
		return List.copyOf(this.lines);
	}

	/** The lines at WARNING or above. */
	public List<String> warnings() {
		return this.lines.stream().filter((line) -> line.startsWith("WARNING") || line.startsWith("SEVERE")).toList();
	}

	@Override
	public void flush() {
	}

	@Override
	public void close() {
		for (int i = 0; i < this.loggers.size(); i++) {
			this.loggers.get(i).removeHandler(this);
			this.loggers.get(i).setLevel(this.previousLevels.get(i));
		}
	}

}
