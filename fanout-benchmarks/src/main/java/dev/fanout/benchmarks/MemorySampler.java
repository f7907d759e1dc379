package dev.fanout.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Samples the heap in use and the process's resident set size every 50 ms on a daemon
 * thread, keeping the peaks: the peak heap a run needs, and what the operating system
 * sees of the JVM.
 *
 * @since 0.1.0
 */
public final class MemorySampler extends PeriodicSampler {

	private static final Path STATUS = Path.of("/proc/self/status");

	private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

	private final AtomicLong peakHeap = new AtomicLong();

	private final AtomicLong peakRss = new AtomicLong();

	private MemorySampler() {
		super("bench-memory-sampler");
	}

	/**
	 * Start sampling.
	 * @return the running sampler
	 */
	public static MemorySampler start() {
		MemorySampler sampler = new MemorySampler();
		sampler.begin();
		return sampler;
	}

	@Override
	void record() {
		this.peakHeap.accumulateAndGet(heapUsed(), Math::max);
		this.peakRss.accumulateAndGet(rss(), Math::max);
	}

	/**
	 * The largest heap in use seen so far, in bytes.
	 * @return the peak heap
	 */
	public long peakHeap() {
		return this.peakHeap.get();
	}

	/**
	 * The largest resident set size seen so far, in bytes, or 0 where
	 * {@code /proc/self/status} does not exist.
	 * @return the peak RSS
	 */
	public long peakRss() {
		return this.peakRss.get();
	}

	/**
	 * The heap in use now.
	 * @return bytes
	 */
	public static long heapUsed() {
		return MEMORY.getHeapMemoryUsage().getUsed();
	}

	/**
	 * The heap in use after a full collection: what is live.
	 * @return bytes
	 */
	public static long liveHeap() {
		// Twice: the first collection may leave garbage that finalization or reference
		// processing freed only meanwhile.
		System.gc();
		System.gc();
		return heapUsed();
	}

	/**
	 * The process's resident set size now ({@code VmRSS}).
	 * @return bytes, or 0 where {@code /proc/self/status} does not exist
	 */
	public static long rss() {
		return statusKilobytes("VmRSS:") * 1024;
	}

	/**
	 * The process's peak resident set size since it started ({@code VmHWM}).
	 * @return bytes, or 0 where {@code /proc/self/status} does not exist
	 */
	public static long peakRssSinceStart() {
		return statusKilobytes("VmHWM:") * 1024;
	}

	private static long statusKilobytes(String field) {
		try {
			for (String line : Files.readAllLines(STATUS)) {
				if (line.startsWith(field)) {
					return Long.parseLong(line.substring(field.length()).replace("kB", "").trim());
				}
			}
			return 0;
		}
		catch (IOException | NumberFormatException ex) {
			return 0;
		}
	}

}
