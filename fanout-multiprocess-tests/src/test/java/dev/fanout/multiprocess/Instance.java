package dev.fanout.multiprocess;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One JVM of {@link LoadApp}, a separate operating-system process, with its output in a
 * file.
 */
final class Instance {

	private final String name;

	private final Process process;

	private final Path log;

	private Instance(String name, Process process, Path log) {
		this.name = name;
		this.process = process;
		this.log = log;
	}

	static Instance start(String name, String jdbcUrl, Path logs, String... properties) {
		List<String> command = new ArrayList<>(List.of(
				Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
				"-Dfanout.instance=" + name, "-cp", System.getProperty("java.class.path"), LoadApp.class.getName(),
				"--spring.datasource.url=" + jdbcUrl, "--spring.datasource.username=postgres",
				"--spring.main.banner-mode=off", "--fanout.app-id=load", "--fanout.jdbc.initialize-schema=never",
				"--logging.level.root=WARN", "--logging.level.dev.fanout=INFO"));
		command.addAll(List.of(properties));
		Path log = logs.resolve(name + ".log");
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
				.start();
			return new Instance(name, process, log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + name, ex);
		}
	}

	/**
	 * End the process at once, as a crash would: SIGKILL.
	 */
	void kill() {
		this.process.destroyForcibly();
		waitFor(Duration.ofSeconds(10));
	}

	/**
	 * Ask the process to stop, as an orchestrator does: SIGTERM.
	 * @param timeout how long it may take
	 * @return whether it exited in time
	 */
	boolean terminate(Duration timeout) {
		this.process.destroy();
		return waitFor(timeout);
	}

	private boolean waitFor(Duration timeout) {
		try {
			return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	String name() {
		return this.name;
	}

	File log() {
		return this.log.toFile();
	}

}
