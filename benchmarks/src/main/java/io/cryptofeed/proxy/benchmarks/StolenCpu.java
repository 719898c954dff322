package io.cryptofeed.proxy.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The machine's CPU time as Linux counts it in {@code /proc/stat}, and how much of it the
 * hypervisor gave to other machines (steal): on a virtual machine that is what slows a run
 * down from outside, whatever the run itself does.
 */
final class StolenCpu {

	private static final Path PROC_STAT = Path.of("/proc/stat");

	/** Fields after "cpu": user, nice, system, idle, iowait, irq, softirq, steal (guest time is in user). */
	private static final int STEAL = 7;

	private final long stolen;

	private final long total;

	private StolenCpu(long stolen, long total) {
		this.stolen = stolen;
		this.total = total;
	}

	/** The counters now, or {@code null} where the system does not report them. */
	static StolenCpu now() {
		try {
			List<String> lines = Files.readAllLines(PROC_STAT);
			if (lines.isEmpty() || !lines.get(0).startsWith("cpu ")) {
				return null;
			}
			long[] ticks = Arrays.stream(lines.get(0).substring(4).trim().split("\\s+"))
				.limit(STEAL + 1)
				.mapToLong(Long::parseLong)
				.toArray();
			return (ticks.length > STEAL) ? new StolenCpu(ticks[STEAL], Arrays.stream(ticks).sum()) : null;
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

	/** The share of the machine's CPU time, in per cent, that the hypervisor took since then; NaN when unknown. */
	static double percentSince(StolenCpu earlier) {
		StolenCpu now = now();
		if (earlier == null || now == null || now.total <= earlier.total) {
			return Double.NaN;
		}
		return 100.0 * (now.stolen - earlier.stolen) / (now.total - earlier.total);
	}

}
