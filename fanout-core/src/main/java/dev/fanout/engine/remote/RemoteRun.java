package dev.fanout.engine.remote;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.expression.Expression;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.NullNode;
import tools.jackson.databind.node.ObjectNode;

import dev.fanout.Event;
import dev.fanout.NonRetriableException;
import dev.fanout.RetryAfterException;
import dev.fanout.RunStatus;
import dev.fanout.StepStatus;
import dev.fanout.engine.event.EventExpressions;
import dev.fanout.engine.event.SystemEvents;
import dev.fanout.engine.step.Interruption;
import dev.fanout.engine.step.Invocation;
import dev.fanout.engine.step.Refusal;
import dev.fanout.engine.step.RunJournal;
import dev.fanout.engine.step.StepRef;
import dev.fanout.store.StoredStep;

/**
 * One invocation of a remote function's run: calls the app with the run's memos and
 * records what it reports, until the run parks, is retried or ends. The rules are those
 * of Inngest's executor: a discovery call ({@code stepId=step}) finds the next steps;
 * planned steps are called one by one, and the next discovery waits until all of them
 * have memos (or after each, in race mode); a failed step is called again, with its
 * attempt, after the function's backoff or {@code Retry-After}. Planned steps are not
 * stored: after a crash, discovery reports them again.
 * <p>
 * Memos are stored verbatim as the steps' outputs; sleeps, waits and invocations use the
 * journal as a method's steps do, so the run holds no thread meanwhile.
 */
final class RemoteRun {

	private static final String MEMO = CallRequests.MEMO;

	/** The type hint of a step waiting for an event. */
	static final String WAIT = "inngest.wait";

	/** The type hint of a step waiting for an invoked run. */
	static final String INVOKE = "inngest.invoke";

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final String DISCOVERY = "step";

	private static final Duration LONGEST_INVOKE = Duration.ofDays(365);

	private final RemoteFunction function;

	private final Invocation invocation;

	private final RunJournal journal;

	private int callsLeft;

	/**
	 * The attempt a discovery call makes: the run's retry attempt, until a step ends in
	 * this invocation, after which the next steps start afresh.
	 */
	private int discoveryAttempt;

	RemoteRun(RemoteFunction function, Invocation invocation, RunJournal journal) {
		this.function = function;
		this.invocation = invocation;
		this.journal = journal;
		// Each call records a step or ends the invocation, but a confused app could
		// answer
		// with what is stored already, forever.
		this.callsLeft = 2 * function.limits().maxStepsPerRun() + 10;
		this.discoveryAttempt = invocation.attempt();
	}

	Invocation.Outcome drive() {
		try {
			Invocation.Outcome resumed = resume();
			if (resumed != null) {
				return resumed;
			}
			while (true) {
				Interruption pending = this.journal.pending();
				if (pending != null) {
					return interrupted(pending);
				}
				StoredStep retrying = retrying();
				Invocation.Outcome outcome = (retrying != null) ? callStep(retrying.key(), retrying.attempts())
						: discover();
				if (outcome != null) {
					return outcome;
				}
			}
		}
		catch (Refusal refusal) {
			return interrupted(refusal.reason());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return interrupted(new Interruption.Suspend());
		}
		catch (NonRetriableException ex) {
			return new Invocation.Outcome(null, ex, null);
		}
	}

	/**
	 * End what the run paused on: a sleep past its time, a wait past its timeout. A pause
	 * not over yet parks the run again.
	 */
	private Invocation.@Nullable Outcome resume() {
		Instant now = this.journal.now();
		for (StoredStep step : this.journal.steps()) {
			if (step.status() != StepStatus.SLEEPING && step.status() != StepStatus.WAITING) {
				continue;
			}
			Instant wakeAt = (step.wakeAt() != null) ? step.wakeAt() : now;
			if (now.isBefore(wakeAt)) {
				RunStatus status = (step.status() == StepStatus.SLEEPING) ? RunStatus.SLEEPING : RunStatus.WAITING;
				this.journal.park(ref(step.key(), step.position()), step, status, wakeAt);
				return interrupted(new Interruption.Parked(wakeAt));
			}
			StoredStep.Builder row = StoredStep.of(step.key(), step.position(), step.startedAt());
			if (step.status() == StepStatus.SLEEPING) {
				this.journal.save(row.completed("null", MEMO, now));
			}
			else if (INVOKE.equals(step.outputType())) {
				String timedOut = "{\"error\":{\"name\":\"InngestInvokeTimeoutError\",\"message\":"
						+ "\"Timed out waiting for invoked function to complete\"}}";
				this.journal.resolveWait(row.failed(timedOut, MEMO, "Timed out waiting for invoked function", now));
			}
			else {
				this.journal.resolveWait(row.completed("null", MEMO, now));
			}
			this.discoveryAttempt = 0;
		}
		return null;
	}

	/** A step whose last attempt failed and is due again. */
	private @Nullable StoredStep retrying() {
		return this.journal.steps()
			.stream()
			.filter((step) -> step.status() == StepStatus.FAILED && step.endedAt() == null)
			.findFirst()
			.orElse(null);
	}

	private Invocation.@Nullable Outcome discover() throws InterruptedException {
		Reply reply = call(DISCOVERY, this.discoveryAttempt, false);
		if (reply instanceof Reply.Failed failed) {
			return new Invocation.Outcome(null, failure(failed), null);
		}
		return answered(reply, true);
	}

	private Invocation.@Nullable Outcome callStep(String key, int attempts) throws InterruptedException {
		Reply reply = call(key, attempts, true);
		if (reply instanceof Reply.Failed failed) {
			if (failed.noRetry()) {
				return new Invocation.Outcome(null, failure(failed), null);
			}
			return retryStep(key, attempts + 1, failed.message(), failed.retryAfter());
		}
		return answered(reply, false);
	}

	private Invocation.@Nullable Outcome answered(Reply reply, boolean discovery) throws InterruptedException {
		if (reply instanceof Reply.Returned returned) {
			return new Invocation.Outcome(returned.value(), null, null);
		}
		return apply((Reply.Reported) reply, discovery);
	}

	/**
	 * Record the ops of a reply; then call the planned steps, each once. {@code null}
	 * when the next discovery is due. A discovery that reports nothing new would be made
	 * again and again: it fails the run.
	 */
	private Invocation.@Nullable Outcome apply(Reply.Reported reply, boolean discovery) throws InterruptedException {
		Map<String, Op> planned = new LinkedHashMap<>();
		boolean progressed = false;
		for (Op op : reply.ops()) {
			if (op.isLazy()) {
				continue;
			}
			if (op.op().equals(Op.RUN_COMPLETE)) {
				return new Invocation.Outcome((op.data() != null) ? op.data() : NullNode.getInstance(), null, null);
			}
			if (hasEnded(op.id())) {
				// At most one memo per step: a late duplicate keeps the first.
				continue;
			}
			Invocation.Outcome outcome = switch (op.op()) {
				case Op.STEP_RUN -> saveMemo(op.id(), CallRequests.memo("data", op.data()));
				case Op.STEP_FAILED -> saveFailed(op, attemptsOf(op.id()) + 1);
				case Op.STEP_ERROR -> stepError(op, reply);
				case Op.STEP_PLANNED -> {
					planned.putIfAbsent(op.id(), op);
					yield null;
				}
				case Op.SLEEP -> sleep(op);
				case Op.WAIT_FOR_EVENT -> waitForEvent(op);
				case Op.INVOKE_FUNCTION -> invoke(op);
				default -> throw new NonRetriableException("The app reported the opcode " + op.op() + " (step "
						+ op.id() + "), which fanout does not support");
			};
			if (outcome != null) {
				return outcome;
			}
			progressed = progressed || !op.op().equals(Op.STEP_PLANNED);
		}
		for (Op op : planned.values()) {
			if (hasEnded(op.id())) {
				continue;
			}
			Invocation.Outcome outcome = callStep(op.id(), attemptsOf(op.id()));
			if (outcome != null) {
				return outcome;
			}
			progressed = true;
			if (op.races()) {
				break;
			}
		}
		if (discovery && !progressed) {
			throw new NonRetriableException("The app reported nothing new (" + reply.ops().size()
					+ " ops, all stored already): it may have been redeployed with other steps; sync it again");
		}
		return null;
	}

	private Invocation.@Nullable Outcome stepError(Op op, Reply.Reported reply) {
		int attempts = attemptsOf(op.id()) + 1;
		if (reply.noRetry() || attempts > this.invocation.function().retries()) {
			return saveFailed(op, attempts);
		}
		return retryStep(op.id(), attempts, errorText(op.error()), reply.retryAfter());
	}

	private Invocation.Outcome retryStep(String key, int attempts, String message, @Nullable Instant retryAfter) {
		Instant now = this.journal.now();
		RuntimeException error = (retryAfter != null) ? new RetryAfterException(message, retryAfter)
				: new RemoteStepException(message);
		Instant due = this.invocation.function().retryAt(error, attempts, now);
		if (due == null) {
			return new Invocation.Outcome(null, new NonRetriableException(
					"Step " + key + " failed on attempt " + attempts + ", its last: " + message), null);
		}
		StoredStep row = StoredStep.of(key, positionOf(key), startedAtOf(key, now))
			.attempts(attempts)
			.failedAttempt(message, null);
		return new Invocation.Outcome(null, null, new Interruption.RetryStep(row, due));
	}

	private Invocation.@Nullable Outcome saveMemo(String key, String memo) {
		checkSize(key, memo);
		Instant now = this.journal.now();
		this.journal.save(StoredStep.of(key, positionOf(key), startedAtOf(key, now))
			.attempts(attemptsOf(key) + 1)
			.completed(memo, MEMO, now));
		this.discoveryAttempt = 0;
		return null;
	}

	private Invocation.@Nullable Outcome saveFailed(Op op, int attempts) {
		String memo = CallRequests.memo("error", op.error());
		checkSize(op.id(), memo);
		Instant now = this.journal.now();
		this.journal.save(StoredStep.of(op.id(), positionOf(op.id()), startedAtOf(op.id(), now))
			.attempts(attempts)
			.failed(memo, MEMO, errorText(op.error()), now));
		this.discoveryAttempt = 0;
		return null;
	}

	private Invocation.@Nullable Outcome sleep(Op op) {
		String duration = (op.option("duration") != null) ? op.option("duration") : op.name();
		Instant now = this.journal.now();
		Instant until;
		try {
			until = RemoteTimes.until(String.valueOf(duration), now, "Sleep " + label(op));
		}
		catch (IllegalArgumentException ex) {
			throw new NonRetriableException(ex.getMessage(), ex);
		}
		if (!until.isAfter(now)) {
			return saveMemo(op.id(), "null");
		}
		Instant wake = until.truncatedTo(ChronoUnit.MICROS);
		StoredStep row = StoredStep.of(op.id(), positionOf(op.id()), now).sleeping("null", wake);
		this.journal.park(ref(op.id(), row.position()), row, RunStatus.SLEEPING, wake);
		return interrupted(new Interruption.Parked(wake));
	}

	private Invocation.@Nullable Outcome waitForEvent(Op op) {
		String event = (op.option("event") != null) ? op.option("event") : op.name();
		String timeoutText = op.option("timeout");
		if (event == null || timeoutText == null) {
			throw new NonRetriableException("Wait " + label(op) + " names no event or no timeout: " + op.opts());
		}
		Duration timeout;
		String match = null;
		Expression expression = null;
		try {
			timeout = RemoteTimes.duration(timeoutText, "The timeout of wait " + label(op));
			String condition = op.option("if");
			if (condition != null) {
				match = CelExpressions.toSpel(condition);
				expression = EventExpressions.parse(match);
			}
		}
		catch (IllegalArgumentException ex) {
			throw new NonRetriableException(ex.getMessage(), ex);
		}
		Instant now = this.journal.now();
		StoredStep waiting = StoredStep.of(op.id(), positionOf(op.id()), now).waiting(WAIT, now.plus(timeout));
		RunJournal.Waited waited = this.journal.registerWait(ref(op.id(), waiting.position()), waiting,
				new RunJournal.WaitFor(InngestEvents.fanoutName(event), timeout, match, expression));
		if (waited.event() != null) {
			return null;
		}
		return interrupted(new Interruption.Parked(requireDue(waited.dueAt())));
	}

	@SuppressWarnings("unchecked")
	private Invocation.@Nullable Outcome invoke(Op op) {
		String functionId = op.option("function_id");
		if (functionId == null) {
			throw new NonRetriableException("Invoke " + label(op) + " names no function_id: " + op.opts());
		}
		Duration timeout = null;
		if (op.option("timeout") != null) {
			try {
				timeout = RemoteTimes.duration(String.valueOf(op.option("timeout")),
						"The timeout of invoke " + label(op));
			}
			catch (IllegalArgumentException ex) {
				throw new NonRetriableException(ex.getMessage(), ex);
			}
		}
		if (!this.journal.hasFunction(functionId)) {
			ObjectNode error = NODES.objectNode()
				.put("name", "Error")
				.put("message", "No function '" + functionId + "' to invoke on this database");
			return saveFailed(new Op(Op.STEP_FAILED, op.id(), op.name(), op.opts(), null, error), 1);
		}
		JsonNode data = op.opts().path("payload").path("data");
		Map<String, Object> payload = data.isObject() ? JSON.convertValue(data, Map.class) : Map.of();
		Instant now = this.journal.now();
		StoredStep waiting = StoredStep.of(op.id(), positionOf(op.id()), now)
			.waiting(INVOKE, now.plus((timeout != null) ? timeout : LONGEST_INVOKE));
		Instant due = this.journal.startInvocation(ref(op.id(), waiting.position()), waiting, functionId,
				Event.of(SystemEvents.FUNCTION_INVOKED, payload), timeout);
		return interrupted(new Interruption.Parked(due));
	}

	private Reply call(String stepId, int attempt, boolean disableImmediateExecution) throws InterruptedException {
		if (--this.callsLeft < 0) {
			throw new NonRetriableException("The app was called " + (2 * this.function.limits().maxStepsPerRun() + 10)
					+ " times in one invocation without the run ending or pausing");
		}
		return this.function.caller()
			.call(this.function.app(), this.function.url(stepId), CallRequests.body(this.invocation,
					this.journal.steps(), this.function.cron(), attempt, disableImmediateExecution),
					this.invocation.runId());
	}

	private void checkSize(String key, String memo) {
		long size = memo.getBytes(StandardCharsets.UTF_8).length;
		if (size > this.function.limits().maxStepOutputSize()) {
			throw new NonRetriableException("Step " + key + " returned " + size + " bytes, over the limit of "
					+ this.function.limits().maxStepOutputSize() + " bytes (fanout.limits.max-step-output-size)");
		}
	}

	private boolean hasEnded(String key) {
		StoredStep step = this.journal.step(key);
		return step != null && step.hasEnded();
	}

	private int attemptsOf(String key) {
		StoredStep step = this.journal.step(key);
		return (step != null) ? step.attempts() : 0;
	}

	private Instant startedAtOf(String key, Instant now) {
		StoredStep step = this.journal.step(key);
		return (step != null) ? step.startedAt() : now;
	}

	/** A stored step keeps its position; a new one comes after all. */
	private int positionOf(String key) {
		StoredStep step = this.journal.step(key);
		if (step != null) {
			return step.position();
		}
		List<StoredStep> steps = this.journal.steps();
		int next = steps.isEmpty() ? 0 : steps.get(steps.size() - 1).position() + 1;
		if (next >= this.function.limits().maxStepsPerRun()) {
			throw new NonRetriableException("Run has more than " + this.function.limits().maxStepsPerRun()
					+ " steps, the limit (fanout.limits.max-steps-per-run)");
		}
		return next;
	}

	private static StepRef ref(String key, int position) {
		return new StepRef(key, key, position);
	}

	private static String label(Op op) {
		return "'" + ((op.name() != null) ? op.name() : op.id()) + "' (" + op.id() + ")";
	}

	private static String errorText(@Nullable JsonNode error) {
		if (error == null || !error.isObject()) {
			return String.valueOf(error);
		}
		String name = Op.text(error, "name");
		String message = Op.text(error, "message");
		return ((name != null) ? name + ": " : "") + ((message != null) ? message : error.toString());
	}

	private static RuntimeException failure(Reply.Failed failed) {
		if (failed.noRetry()) {
			return new NonRetriableException(failed.message());
		}
		if (failed.retryAfter() != null) {
			return new RetryAfterException(failed.message(), failed.retryAfter());
		}
		return new RemoteStepException(failed.message());
	}

	private static Instant requireDue(@Nullable Instant due) {
		if (due == null) {
			throw new IllegalStateException("A parked step has no due time");
		}
		return due;
	}

	private static Invocation.Outcome interrupted(Interruption interruption) {
		return new Invocation.Outcome(null, null, interruption);
	}

}
