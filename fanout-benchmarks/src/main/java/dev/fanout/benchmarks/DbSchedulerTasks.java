package dev.fanout.benchmarks;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

import com.github.kagkarlsson.scheduler.event.AbstractSchedulerListener;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.Task;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;

/**
 * The benchmark's functions as db-scheduler tasks: one one-time task per function, whose
 * execution does the same units of work as the function's steps, without recording them
 * anywhere. As a listener of the scheduler, it also notes when each task completed, which
 * db-scheduler reports once the task's row is deleted. What happens goes to the ledger of
 * the current phase.
 *
 * @since 0.1.0
 */
final class DbSchedulerTasks extends AbstractSchedulerListener {

	private final int steps;

	private final List<OneTimeTask<String>> tasks = new ArrayList<>();

	private volatile DbSchedulerLedger ledger;

	DbSchedulerTasks(Workload workload) {
		this.steps = workload.steps();
		this.ledger = new DbSchedulerLedger("none", 0, workload.functions());
		for (int i = 0; i < workload.functions(); i++) {
			int function = i;
			// The event's data travels with each task, as a job scheduler's user would
			// pass it.
			this.tasks.add(Tasks.oneTime("bench-function-" + (i + 1), String.class)
				.execute((instance, context) -> execute(function, instance)));
		}
	}

	List<Task<?>> tasks() {
		return List.copyOf(this.tasks);
	}

	/**
	 * Start a phase: the tasks report to a new ledger from now on.
	 * @param phase the phase's name, part of its task instance ids
	 * @param events how many events the phase sends
	 * @return the ledger
	 */
	DbSchedulerLedger begin(String phase, int events) {
		this.ledger = new DbSchedulerLedger(phase, events, this.tasks.size());
		return this.ledger;
	}

	/**
	 * The task instances of one event, one per function.
	 * @param ledger the phase
	 * @param event the event's number in the phase
	 * @param data the event's data
	 * @return the instances
	 */
	List<TaskInstance<?>> instances(DbSchedulerLedger ledger, int event, String data) {
		List<TaskInstance<?>> instances = new ArrayList<>(this.tasks.size());
		for (OneTimeTask<String> task : this.tasks) {
			instances.add(task.instance(ledger.instanceId(event), data));
		}
		return instances;
	}

	private void execute(int function, TaskInstance<String> instance) {
		DbSchedulerLedger current = this.ledger;
		current.started(function, instance.getId(), Instant.now());
		int sum = 0;
		for (int i = 0; i < this.steps; i++) {
			// What fanout's step does, less the step's record: a unit of work returning a
			// number.
			int n = i;
			IntSupplier unit = () -> n;
			sum += unit.getAsInt();
			current.worked();
		}
		if (sum < 0) {
			throw new IllegalStateException("Unreachable: keeps the work from being optimized away");
		}
	}

	@Override
	public void onExecutionComplete(ExecutionComplete complete) {
		if (complete.getResult() == ExecutionComplete.Result.OK) {
			TaskInstance<?> instance = complete.getExecution().taskInstance;
			this.ledger.done(function(instance.getTaskName()), instance.getId(), Instant.now());
		}
	}

	private int function(String taskName) {
		for (int i = 0; i < this.tasks.size(); i++) {
			if (this.tasks.get(i).getName().equals(taskName)) {
				return i;
			}
		}
		throw new IllegalStateException("Not a benchmark task: " + taskName);
	}

}
