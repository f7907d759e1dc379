package dev.fanout.engine.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.engine.support.RetrySupport;

/**
 * Group commit: the writes of concurrent runs share one transaction. A run's thread hands
 * its write over and waits until the transaction holding it has committed, so a step is
 * acknowledged only once its output is durable, yet many runs pay for one commit. The
 * writer takes everything waiting whenever it is free: a lone write commits at once, and
 * under load writes gather while the previous batch commits, with no delay added. Writes
 * of one {@link Bulk} kind are made by one call for the whole batch, so a batch costs a
 * few statement round trips rather than a few per run. A batch in which a write throws is
 * rolled back and its writes made again one by one, so one bad write fails only its own
 * run. An {@link Error} (out of memory in a serializer or the driver, say) is nobody's
 * write in particular: it fails the whole batch with a {@link BatchFailedException}, and
 * the writer goes on with the next one. The last failure is kept until a later batch
 * commits, for the engine's health.
 */
final class GroupCommit {

	/**
	 * Most writes in one transaction: enough to amortise a commit, few enough to keep it
	 * short.
	 */
	private static final int MAX_BATCH = 64;

	private final TransactionTemplate transaction;

	private final RetrySupport retry;

	private final BlockingQueue<Write<?, ?>> queue = new LinkedBlockingQueue<>();

	private volatile @Nullable Thread writer;

	private volatile @Nullable WriteFailure lastFailure;

	GroupCommit(TransactionTemplate transaction, RetrySupport retry) {
		this.transaction = transaction;
		this.retry = retry;
	}

	synchronized void start() {
		if (this.writer == null) {
			Thread thread = new Thread(this::writeBatches, "fanout-commit");
			thread.setDaemon(true);
			this.writer = thread;
			thread.start();
		}
	}

	/**
	 * Stop once the writes handed over so far are written; later writes commit on their
	 * own.
	 */
	void stop() {
		Thread thread;
		synchronized (this) {
			thread = this.writer;
			this.writer = null;
		}
		if (thread != null) {
			thread.interrupt();
			try {
				thread.join(TimeUnit.SECONDS.toMillis(5));
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		List<Write<?, ?>> left = new ArrayList<>();
		this.queue.drainTo(left);
		left.forEach(this::writeAlone);
	}

	/**
	 * Make a write in a transaction shared with other runs' writes, and wait until it has
	 * committed.
	 * @param <T> the write's result
	 * @param work the write; it must only touch the database
	 * @return the write's result, once committed
	 */
	<T> T commit(Supplier<T> work) {
		return handOver(new Write<>(null, null, (ignored) -> work.get())).await();
	}

	/**
	 * Make a write of a bulk kind together with the batch's other writes of that kind,
	 * then its follow-up, and wait until both have committed.
	 * @param <I> what the kind writes per run
	 * @param <T> the write's result
	 * @param bulk the kind of write
	 * @param item what to write
	 * @param then the follow-up in the same transaction, told whether the item was
	 * written; it must only touch the database
	 * @return the follow-up's result, once committed
	 */
	<I, T> T commit(Bulk<I> bulk, I item, Function<Boolean, T> then) {
		return handOver(new Write<>(bulk, item, then)).await();
	}

	/**
	 * Hand a write of a bulk kind over as {@link #commit(Bulk, Object, Function)} does,
	 * without waiting for it: for a run's last write, which nothing in the run waits for.
	 * @param <I> what the kind writes per run
	 * @param <T> the write's result
	 * @param bulk the kind of write
	 * @param item what to write
	 * @param then the follow-up in the same transaction
	 * @return the follow-up's result, complete once committed, or the write's failure
	 */
	<I, T> CompletableFuture<T> submit(Bulk<I> bulk, I item, Function<Boolean, T> then) {
		return handOver(new Write<>(bulk, item, then)).done;
	}

	private <T> Write<?, T> handOver(Write<?, T> write) {
		if (this.writer == null) {
			writeAlone(write);
		}
		else {
			this.queue.add(write);
		}
		return write;
	}

	/**
	 * How many writes wait for the writer.
	 * @return the number of writes handed over and not yet taken
	 */
	int waiting() {
		return this.queue.size();
	}

	/**
	 * The last failure of a write, unless a later one committed.
	 * @return the failure, or {@code null}
	 */
	@Nullable WriteFailure lastFailure() {
		return this.lastFailure;
	}

	private void writeBatches() {
		List<Write<?, ?>> batch = new ArrayList<>(MAX_BATCH);
		while (this.writer == Thread.currentThread() || !this.queue.isEmpty()) {
			try {
				Write<?, ?> first = this.queue.poll(100, TimeUnit.MILLISECONDS);
				if (first == null) {
					continue;
				}
				batch.add(first);
				this.queue.drainTo(batch, MAX_BATCH - 1);
				write(batch);
			}
			catch (InterruptedException ex) {
				// Stopping: write what is left, then end.
			}
			catch (Error error) {
				// Out of memory while gathering the batch, say: the writer must live on.
				failed(batch, new BatchFailedException(error));
			}
			finally {
				batch.clear();
			}
		}
	}

	private void write(List<Write<?, ?>> batch) {
		if (batch.size() == 1) {
			writeAlone(batch.get(0));
			return;
		}
		try {
			inTransaction(batch);
			committed(batch);
		}
		catch (RuntimeException ex) {
			batch.forEach(this::writeAlone);
		}
		catch (Error error) {
			failed(batch, new BatchFailedException(error));
		}
	}

	private void writeAlone(Write<?, ?> write) {
		try {
			inTransaction(List.of(write));
			committed(List.of(write));
		}
		catch (RuntimeException ex) {
			failed(List.of(write), ex);
		}
		catch (Error error) {
			failed(List.of(write), new BatchFailedException(error));
		}
	}

	private void committed(List<Write<?, ?>> batch) {
		this.lastFailure = null;
		batch.forEach(Write::committed);
	}

	private void failed(List<Write<?, ?>> batch, RuntimeException failure) {
		this.lastFailure = WriteFailure.of(failure);
		batch.forEach((write) -> write.failed(failure));
	}

	private void inTransaction(List<Write<?, ?>> batch) {
		this.retry.onTransientFailure(() -> this.transaction.execute((status) -> {
			Map<Bulk<?>, List<Write<?, ?>>> kinds = new LinkedHashMap<>();
			for (Write<?, ?> write : batch) {
				if (write.bulk != null) {
					kinds.computeIfAbsent(write.bulk, (kind) -> new ArrayList<>()).add(write);
				}
			}
			kinds.values().forEach(GroupCommit::writeBulk);
			batch.forEach(Write::run);
			return null;
		}));
	}

	@SuppressWarnings("unchecked")
	private static <I> void writeBulk(List<Write<?, ?>> writes) {
		List<Write<I, ?>> same = (List<Write<I, ?>>) (List<?>) writes;
		Bulk<I> bulk = Objects.requireNonNull(same.get(0).bulk);
		boolean[] written = bulk.write(same.stream().map((write) -> Objects.requireNonNull(write.item)).toList());
		for (int i = 0; i < written.length; i++) {
			same.get(i).written = written[i];
		}
	}

	/**
	 * A write that failed with its whole batch, for a reason that was not its own: it was
	 * not made, and can be made again.
	 */
	static final class BatchFailedException extends RuntimeException {

		private static final long serialVersionUID = 1L;

		BatchFailedException(Error cause) {
			super("A group commit failed, and with it this write: " + cause, cause);
		}

	}

	/**
	 * A kind of write made for many runs by one call.
	 *
	 * @param <I> what is written per run
	 */
	@FunctionalInterface
	interface Bulk<I> {

		/**
		 * Write the items, in the current transaction.
		 * @param items the items, at most one per run
		 * @return for each item, in order, whether it was written
		 */
		boolean[] write(List<I> items);

	}

	/**
	 * One run's write and the future its thread waits on.
	 */
	private static final class Write<I, T> {

		private final @Nullable Bulk<I> bulk;

		private final @Nullable I item;

		private final Function<Boolean, T> then;

		private final CompletableFuture<T> done = new CompletableFuture<>();

		private boolean written;

		private @Nullable T result;

		Write(@Nullable Bulk<I> bulk, @Nullable I item, Function<Boolean, T> then) {
			this.bulk = bulk;
			this.item = item;
			this.then = then;
		}

		void run() {
			this.result = this.then.apply(this.written);
		}

		void committed() {
			this.done.complete(this.result);
		}

		void failed(RuntimeException ex) {
			if (!this.done.isDone()) {
				this.done.completeExceptionally(ex);
			}
		}

		T await() {
			boolean interrupted = false;
			try {
				while (true) {
					try {
						return this.done.get();
					}
					catch (InterruptedException ex) {
						// The write is in flight: its outcome must be known before going
						// on.
						interrupted = true;
					}
					catch (ExecutionException ex) {
						throw (ex.getCause() instanceof RuntimeException failure) ? failure
								: new IllegalStateException(ex.getCause());
					}
				}
			}
			finally {
				if (interrupted) {
					Thread.currentThread().interrupt();
				}
			}
		}

	}

}
