package dev.fanout.engine.run;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.engine.run.GroupCommit;
import dev.fanout.engine.support.RetrySupport;
import dev.fanout.testsupport.FreshDatabase;
import dev.fanout.testsupport.TestDatabase;

import static dev.fanout.testsupport.TestEngine.awaiting;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Group commit: writes waiting while a batch commits go together in the next one, each
 * caller gets its own result only once its write committed, and a write that throws fails
 * alone.
 */
class GroupCommitTests {

	private final FreshDatabase database = TestDatabase.H2.create();

	private final AtomicInteger commits = new AtomicInteger();

	private final ExecutorService callers = Executors.newFixedThreadPool(12);

	private GroupCommit group;

	private JdbcTemplate jdbc;

	@BeforeEach
	void start() {
		DataSourceTransactionManager counting = new DataSourceTransactionManager(this.database.dataSource()) {

			@Override
			protected void doCommit(DefaultTransactionStatus status) {
				super.doCommit(status);
				GroupCommitTests.this.commits.incrementAndGet();
			}

		};
		this.jdbc = new JdbcTemplate(this.database.dataSource());
		this.jdbc.execute("CREATE TABLE writes (id INT PRIMARY KEY)");
		this.group = new GroupCommit(new TransactionTemplate(counting), RetrySupport.defaults());
		this.group.start();
	}

	@AfterEach
	void stop() {
		this.group.stop();
		this.callers.shutdownNow();
		this.database.close();
	}

	@Test
	void writesThatWaitedWhileABatchCommittedShareTheNextTransaction() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Integer> first = blockedFirstWrite(release);
		List<CompletableFuture<Integer>> next = new ArrayList<>();
		for (int i = 1; i <= 10; i++) {
			int id = i;
			next.add(submit(() -> insert(id)));
		}
		awaiting().until(() -> this.group.waiting() == 10);
		release.countDown();
		assertThat(first.get()).isZero();
		for (int i = 0; i < next.size(); i++) {
			assertThat(next.get(i).get()).isEqualTo(i + 1);
		}
		assertThat(this.commits).hasValue(2);
		assertThat(this.jdbc.queryForObject("SELECT COUNT(*) FROM writes", Integer.class)).isEqualTo(11);
	}

	@Test
	void aWriteThatThrowsFailsAloneAndTheOthersCommit() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Integer> first = blockedFirstWrite(release);
		CompletableFuture<Integer> ok1 = submit(() -> insert(1));
		CompletableFuture<Integer> bad = submit(() -> {
			insert(2);
			throw new IllegalStateException("this write is broken");
		});
		CompletableFuture<Integer> ok2 = submit(() -> insert(3));
		awaiting().until(() -> this.group.waiting() == 3);
		release.countDown();
		assertThat(ok1.get()).isEqualTo(1);
		assertThat(ok2.get()).isEqualTo(3);
		assertThatIllegalStateException().isThrownBy(() -> join(bad)).withMessage("this write is broken");
		assertThat(this.jdbc.queryForList("SELECT id FROM writes ORDER BY id", Integer.class)).containsExactly(0, 1, 3);
	}

	@Test
	void anErrorFailsItsWholeBatchAndTheWriterGoesOn() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Integer> first = blockedFirstWrite(release);
		CompletableFuture<Integer> ok = submit(() -> insert(1));
		CompletableFuture<Integer> bad = submit(() -> {
			insert(2);
			throw new OutOfMemoryError("injected");
		});
		awaiting().until(() -> this.group.waiting() == 2);
		release.countDown();
		assertThat(first.get()).isZero();
		assertThatExceptionOfType(GroupCommit.BatchFailedException.class).isThrownBy(() -> join(ok))
			.withMessageContaining("injected");
		assertThatExceptionOfType(GroupCommit.BatchFailedException.class).isThrownBy(() -> join(bad));
		assertThat(this.group.commit(() -> insert(3))).as("the writer goes on").isEqualTo(3);
		assertThat(this.jdbc.queryForList("SELECT id FROM writes ORDER BY id", Integer.class)).containsExactly(0, 3);
	}

	@Test
	void writesOfOneBulkKindInABatchAreMadeByOneCallAndEachLearnsItsOwnOutcome() throws Exception {
		List<List<Integer>> calls = new CopyOnWriteArrayList<>();
		GroupCommit.Bulk<Integer> evenOnly = (ids) -> {
			calls.add(List.copyOf(ids));
			boolean[] written = new boolean[ids.size()];
			for (int i = 0; i < written.length; i++) {
				written[i] = ids.get(i) % 2 == 0;
				if (written[i]) {
					insert(ids.get(i));
				}
			}
			return written;
		};
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Integer> first = blockedFirstWrite(release);
		List<CompletableFuture<String>> outcomes = new ArrayList<>();
		for (int i = 1; i <= 6; i++) {
			int id = i;
			outcomes.add(CompletableFuture.supplyAsync(
					() -> this.group.commit(evenOnly, id, (written) -> id + (written ? " written" : " refused")),
					this.callers));
		}
		awaiting().until(() -> this.group.waiting() == 6);
		release.countDown();
		assertThat(first.get()).isZero();
		assertThat(outcomes.stream().map(CompletableFuture::join)).containsExactly("1 refused", "2 written",
				"3 refused", "4 written", "5 refused", "6 written");
		assertThat(calls).singleElement()
			.asInstanceOf(InstanceOfAssertFactories.LIST)
			.containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6);
		assertThat(this.commits).hasValue(2);
		assertThat(this.jdbc.queryForList("SELECT id FROM writes ORDER BY id", Integer.class)).containsExactly(0, 2, 4,
				6);
	}

	@Test
	void aWriteReturnsOnlyOnceItIsCommitted() {
		JdbcTemplate other = new JdbcTemplate(this.database.dataSource());
		int id = this.group.commit(() -> insert(7));
		// Read on another connection: visible, so committed.
		assertThat(other.queryForObject("SELECT COUNT(*) FROM writes WHERE id = ?", Integer.class, id)).isOne();
	}

	/**
	 * A write that holds the writer until released, once the writer is running it.
	 */
	private CompletableFuture<Integer> blockedFirstWrite(CountDownLatch release) {
		CountDownLatch running = new CountDownLatch(1);
		CompletableFuture<Integer> first = submit(() -> {
			running.countDown();
			await(release);
			return insert(0);
		});
		awaiting().until(() -> running.getCount() == 0);
		return first;
	}

	private CompletableFuture<Integer> submit(java.util.function.Supplier<Integer> write) {
		return CompletableFuture.supplyAsync(() -> this.group.commit(write), this.callers);
	}

	private int insert(int id) {
		this.jdbc.update("INSERT INTO writes (id) VALUES (?)", id);
		return id;
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static Integer join(CompletableFuture<Integer> future) {
		try {
			return future.join();
		}
		catch (java.util.concurrent.CompletionException ex) {
			throw (RuntimeException) ex.getCause();
		}
	}

}
