package dev.fanout.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import org.h2.engine.Constants;
import org.jspecify.annotations.Nullable;
import org.springframework.util.FileSystemUtils;

/**
 * H2 in this JVM: a file database in a new temporary directory per run (the embedded
 * default of an application), or an in-memory one.
 */
final class H2DatabaseTarget implements DatabaseTarget {

	private static final AtomicInteger NAMES = new AtomicInteger();

	private final boolean inMemory;

	H2DatabaseTarget(boolean inMemory) {
		this.inMemory = inMemory;
	}

	@Override
	public String name() {
		return this.inMemory ? "h2-mem" : "h2";
	}

	@Override
	public String describe() {
		return this.inMemory ? "H2 " + Constants.VERSION + " in memory, in the benchmark's JVM"
				: "H2 " + Constants.VERSION
						+ " file database in a temporary directory, in the benchmark's JVM (H2 writes its file "
						+ "in the background; it does not fsync each commit)";
	}

	@Override
	public FreshDatabase create(int poolSize) {
		String name = "bench_" + NAMES.incrementAndGet();
		@Nullable Path directory = this.inMemory ? null : temporaryDirectory();
		String url = this.inMemory ? "jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1"
				: "jdbc:h2:file:" + directory.resolve(name) + ";DB_CLOSE_DELAY=-1";
		return new FreshDatabase("h2", Pools.pool(name, url, "sa", "", poolSize),
				Pools.pool(name + "-monitor", url, "sa", "", 1), () -> {
					// DB_CLOSE_DELAY=-1 keeps it open after the pools close: shut it
					// down.
					try (Connection connection = DriverManager.getConnection(url, "sa", "");
							Statement statement = connection.createStatement()) {
						statement.execute("SHUTDOWN");
					}
					catch (SQLException ex) {
						throw new IllegalStateException("Cannot shut down " + url, ex);
					}
					if (directory != null) {
						deleteQuietly(directory);
					}
				});
	}

	private static Path temporaryDirectory() {
		try {
			return Files.createTempDirectory("fanout-bench-h2-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void deleteQuietly(Path directory) {
		try {
			FileSystemUtils.deleteRecursively(directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot delete " + directory, ex);
		}
	}

	@Override
	public void close() {
	}

}
