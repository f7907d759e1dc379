package dev.fanout.store.jdbc;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.jspecify.annotations.Nullable;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcOperations;
import org.springframework.jdbc.core.RowCallbackHandler;

import dev.fanout.store.ClaimedRun;
import dev.fanout.store.GateLimits;

/**
 * Starts the runs that wait behind gates: concurrency slots and throttles.
 * <p>
 * A gate is a row of {@code fanout_gates}, and every start of a run behind it happens
 * while a claim holds that row's lock, so starts through one gate take turns across all
 * instances. Under the lock, a concurrency gate counts the runs that hold its slot (the
 * {@code RUNNING} runs whose {@code slot1} or {@code slot2} it is), rather than keeping a
 * counter that a crash could leave wrong; a throttle keeps its theoretical arrival time
 * (GCRA). A claim takes the due gates, longest due first so that keys take turns, without
 * waiting for those another claim holds; takes the runs due behind each, oldest rank
 * first, as many as the gate lets through; locks the other gates those runs must pass;
 * starts the runs that every gate lets through; and sets each gate's next due time: none
 * while its slots are all taken (a run ending makes it due again), the throttle's next
 * start, or its earliest run's due time.
 * <p>
 * The limits are those of the claiming application's functions, so a changed limit
 * applies from the next claim.
 */
final class GateClaim {

	/**
	 * How soon a gate is looked at again when its next run waits for a second gate that
	 * is full or that another claim holds: that gate's end does not tell this one.
	 */
	static final Duration RECHECK = Duration.ofMillis(200);

	/**
	 * The next due time of a gate whose slots are all taken while runs wait behind it:
	 * never, until a run that holds one of its slots ends, parks or is released, which
	 * wakes only gates so marked; see {@link Sql.Columns#FULL}.
	 */
	static final OffsetDateTime FULL = OffsetDateTime.parse("9999-12-31T00:00:00Z");

	private final JdbcOperations jdbc;

	private final Dialect dialect;

	private final Statements statements;

	GateClaim(JdbcOperations jdbc, Dialect dialect) {
		this.jdbc = jdbc;
		this.dialect = dialect;
		this.statements = dialect.statements();
	}

	/**
	 * Start runs behind due gates; see {@link dev.fanout.store.RunStore#claimGated}.
	 * @param appId the application whose runs to claim
	 * @param functions the application's functions, with the limits of each
	 * @param limit the most runs to claim
	 * @param owner the lease owner
	 * @param now the current time
	 * @param leaseUntil the lease expiry
	 * @return the claimed runs
	 */
	List<ClaimedRun> claim(String appId, Map<String, GateLimits> functions, int limit, String owner, OffsetDateTime now,
			OffsetDateTime leaseUntil) {
		SqlArray functionIds = new SqlArray(functions.keySet());
		boolean global = functions.values().stream().anyMatch(GateLimits::global);
		Map<String, Gate> gates = new LinkedHashMap<>();
		this.dialect.lockDueGates(this.jdbc, gateRows(gates, functions), now, appId, functionIds, global, limit);
		if (gates.isEmpty()) {
			return List.of();
		}
		Map<String, Integer> running = running(gates.values().stream().filter(Gate::isSlot).map(Gate::key).toList());
		Map<String, Integer> wanted = wanted(gates, running, limit, now, maxSlotLimit(functions));
		List<GateCandidate> candidates = wanted.isEmpty() ? List.of()
				: this.dialect.gateCandidates(this.jdbc, wanted, appId, functionIds, now);
		Map<String, Gate> others = lockOthers(candidates, gates, functions);
		running.putAll(running(others.values().stream().map(Gate::key).toList()));
		Admission admission = new Admission(gates, others, running, functions, now, limit);
		inTurns(candidates, wanted.keySet()).forEach(admission::consider);
		List<ClaimedRun> claimed = this.dialect.take(this.jdbc, admission.admitted, owner, now, leaseUntil);
		updateGates(gates, others, wanted, candidates, running, maxSlotLimit(functions), now);
		return claimed;
	}

	private RowCallbackHandler gateRows(Map<String, Gate> gates, Map<String, GateLimits> functions) {
		return (rs) -> {
			String functionId = rs.getString("function_id");
			gates.put(rs.getString("gate_key"),
					new Gate(rs.getString("gate_key"), (functionId != null) ? functions.get(functionId) : null,
							rs.getObject("tat", OffsetDateTime.class)));
		};
	}

	/** How many runs hold each slot. */
	private Map<String, Integer> running(List<String> slots) {
		Map<String, Integer> running = new HashMap<>();
		if (!slots.isEmpty()) {
			SqlArray keys = new SqlArray(slots);
			this.jdbc.query(sql(Sql.RUNNING_IN_SLOTS),
					(RowCallbackHandler) (rs) -> running.put(rs.getString("slot"), rs.getInt("running")), keys, keys);
		}
		slots.forEach((slot) -> running.putIfAbsent(slot, 0));
		return running;
	}

	/**
	 * How many runs to read behind each gate: as many as it lets through, up to the
	 * claim's limit, as a gate may have fewer runs behind it. A global gate's limit is
	 * each run's own function's, so the most of them is read and each run checked.
	 */
	private static Map<String, Integer> wanted(Map<String, Gate> gates, Map<String, Integer> running, int limit,
			OffsetDateTime now, int maxSlotLimit) {
		Map<String, Integer> wanted = new LinkedHashMap<>();
		for (Gate gate : gates.values()) {
			int through = Math.min(gate.through(running, now, maxSlotLimit), limit);
			if (through > 0) {
				wanted.put(gate.key(), through);
			}
		}
		return wanted;
	}

	/**
	 * The candidates in turns: the first of each gate, longest due first, then the second
	 * of each, and so on, so that the claim's limit cuts the long queues, not the keys.
	 */
	private static List<GateCandidate> inTurns(List<GateCandidate> candidates, Set<String> gateOrder) {
		Map<String, List<GateCandidate>> byGate = new LinkedHashMap<>();
		gateOrder.forEach((gate) -> byGate.put(gate, new ArrayList<>()));
		candidates.forEach(
				(candidate) -> byGate.computeIfAbsent(candidate.gate(), (gate) -> new ArrayList<>()).add(candidate));
		List<GateCandidate> turns = new ArrayList<>(candidates.size());
		for (int turn = 0; turns.size() < candidates.size(); turn++) {
			for (List<GateCandidate> behind : byGate.values()) {
				if (turn < behind.size()) {
					turns.add(behind.get(turn));
				}
			}
		}
		return turns;
	}

	/**
	 * Lock, without waiting, the gates other than those already locked that the runs must
	 * also pass: second slots, and throttles behind a first slot. A gate without a row
	 * yet gets one.
	 */
	private Map<String, Gate> lockOthers(List<GateCandidate> candidates, Map<String, Gate> locked,
			Map<String, GateLimits> functions) {
		Set<String> keys = new TreeSet<>();
		for (GateCandidate candidate : candidates) {
			if (candidate.slot2() != null) {
				keys.add(candidate.slot2());
			}
			if (candidate.throttled()) {
				keys.add(candidate.throttle());
			}
		}
		keys.removeAll(locked.keySet());
		Map<String, Gate> others = new HashMap<>();
		if (keys.isEmpty()) {
			return others;
		}
		for (String key : keys) {
			try {
				this.jdbc.update(sql(Sql.INSERT_GATE), key, key);
			}
			catch (DuplicateKeyException ex) {
				// Another transaction inserted it meanwhile: it is there to lock.
			}
		}
		this.jdbc.query(sql(Sql.LOCK_GATES), gateRows(others, functions), new SqlArray(keys));
		return others;
	}

	/**
	 * Set each due gate's next due time, and each gate's throttle: a gate whose runs were
	 * all taken is due with its earliest run behind, which is read only then.
	 */
	private void updateGates(Map<String, Gate> gates, Map<String, Gate> others, Map<String, Integer> wanted,
			List<GateCandidate> candidates, Map<String, Integer> running, int maxSlotLimit, OffsetDateTime now) {
		Map<String, Integer> found = new HashMap<>();
		candidates.forEach((candidate) -> found.merge(candidate.gate(), 1, Integer::sum));
		Set<String> drained = new HashSet<>();
		for (Gate gate : gates.values()) {
			Integer asked = wanted.get(gate.key());
			if (asked != null && found.getOrDefault(gate.key(), 0) < asked) {
				drained.add(gate.key());
			}
		}
		Map<String, OffsetDateTime> pending = pendingDue(List.copyOf(drained));
		List<Object[]> updates = new ArrayList<>();
		for (Gate gate : gates.values()) {
			OffsetDateTime due = drained.contains(gate.key()) ? pending.get(gate.key()) : now;
			updates.add(new Object[] { gate.tat, gate.nextDue(due, running, now, maxSlotLimit), gate.key() });
		}
		if (!updates.isEmpty()) {
			this.jdbc.batchUpdate(sql(Sql.UPDATE_GATE), updates);
		}
		List<Object[]> throttles = others.values()
			.stream()
			.filter((gate) -> gate.passed > 0)
			.map((gate) -> new Object[] { gate.tat, gate.key() })
			.toList();
		if (!throttles.isEmpty()) {
			this.jdbc.batchUpdate(sql(Sql.UPDATE_GATE_TAT), throttles);
		}
	}

	private Map<String, OffsetDateTime> pendingDue(List<String> gates) {
		return gates.isEmpty() ? Map.of() : this.dialect.pendingDue(this.jdbc, gates);
	}

	private static int maxSlotLimit(Map<String, GateLimits> functions) {
		return functions.values()
			.stream()
			.mapToInt((limits) -> Math.max(limits.slot1(), limits.slot2()))
			.max()
			.orElse(0);
	}

	private String sql(Sql statement) {
		return this.statements.get(statement);
	}

	/**
	 * A gate locked by the claim: its key, the limits of its function (none for a global
	 * one), its throttle's state, how many runs passed it, and until when the runs behind
	 * it wait for other gates.
	 */
	private static final class Gate {

		private final String key;

		private final @Nullable GateLimits function;

		private @Nullable OffsetDateTime tat;

		private int passed;

		private @Nullable OffsetDateTime blockedUntil;

		Gate(String key, @Nullable GateLimits function, @Nullable OffsetDateTime tat) {
			this.key = key;
			this.function = function;
			this.tat = tat;
		}

		String key() {
			return this.key;
		}

		/** A function's gate is its first slot, or its throttle when it has no slot. */
		boolean isThrottle() {
			return this.function != null && this.function.slot1() == 0 && this.function.throttleInterval() != null;
		}

		boolean isSlot() {
			return !isThrottle();
		}

		/**
		 * How many runs may pass now, at most: a global slot's limit is each run's own,
		 * so the largest is assumed; a function without limits any more lets all through.
		 */
		int through(Map<String, Integer> running, OffsetDateTime now, int maxSlotLimit) {
			if (isThrottle()) {
				return throttleAllowance(now, this.function);
			}
			int limit = (this.function != null) ? this.function.slot1() : maxSlotLimit;
			return (limit == 0) ? Integer.MAX_VALUE : limit - running.getOrDefault(this.key, 0);
		}

		/**
		 * How many starts the throttle allows now: it spaces starts by its interval and
		 * lets a burst of them start at once (GCRA), so a start is allowed while the
		 * theoretical arrival time is at most (burst - 1) intervals ahead.
		 */
		int throttleAllowance(OffsetDateTime now, GateLimits limits) {
			long interval = limits.throttleInterval().toNanos();
			long ahead = (this.tat == null || !this.tat.isAfter(now)) ? 0 : Duration.between(now, this.tat).toNanos();
			long tolerance = interval * (limits.burst() - 1);
			return (ahead > tolerance) ? 0 : (int) Math.min(Integer.MAX_VALUE, (tolerance - ahead) / interval + 1);
		}

		/** When the throttle allows a start again. */
		OffsetDateTime throttleReady(GateLimits limits) {
			return this.tat.minus(limits.throttleInterval().multipliedBy(limits.burst() - 1));
		}

		void passThrottle(OffsetDateTime now, GateLimits limits) {
			OffsetDateTime from = (this.tat == null || this.tat.isBefore(now)) ? now : this.tat;
			this.tat = from.plus(limits.throttleInterval());
			this.passed++;
		}

		void blockUntil(OffsetDateTime until) {
			if (this.blockedUntil == null || until.isBefore(this.blockedUntil)) {
				this.blockedUntil = until;
			}
		}

		/**
		 * When the gate is next due: none without runs behind it, {@link #FULL} while its
		 * slots are all taken; otherwise when its earliest run is due, no earlier than
		 * its runs may pass the throttle or their other gates.
		 */
		@Nullable OffsetDateTime nextDue(@Nullable OffsetDateTime pending, Map<String, Integer> running, OffsetDateTime now,
				int maxSlotLimit) {
			if (pending == null) {
				return null;
			}
			if (isSlot() && through(running, now, maxSlotLimit) <= 0) {
				return FULL;
			}
			OffsetDateTime due = pending;
			if (isThrottle() && throttleAllowance(now, this.function) == 0) {
				due = later(due, throttleReady(this.function));
			}
			return (this.blockedUntil != null) ? later(due, this.blockedUntil) : due;
		}

		private static OffsetDateTime later(OffsetDateTime a, OffsetDateTime b) {
			return a.isAfter(b) ? a : b;
		}

	}

	/**
	 * Decides which runs start: a run starts when each of its slots has room under its
	 * function's limit and, on its first start, its throttle allows one.
	 */
	private static final class Admission {

		private final Map<String, Gate> gates;

		private final Map<String, Gate> others;

		private final Map<String, Integer> running;

		private final Map<String, GateLimits> functions;

		private final OffsetDateTime now;

		private final int limit;

		private final List<String> admitted = new ArrayList<>();

		Admission(Map<String, Gate> gates, Map<String, Gate> others, Map<String, Integer> running,
				Map<String, GateLimits> functions, OffsetDateTime now, int limit) {
			this.gates = gates;
			this.others = others;
			this.running = running;
			this.functions = functions;
			this.now = now;
			this.limit = limit;
		}

		void consider(GateCandidate run) {
			if (this.admitted.size() >= this.limit) {
				return;
			}
			GateLimits limits = this.functions.getOrDefault(run.functionId(), GateLimits.NONE);
			Gate behind = this.gates.get(run.gate());
			OffsetDateTime blocked = null;
			for (int slot = 1; slot <= 2 && blocked == null; slot++) {
				String key = (slot == 1) ? run.slot1() : run.slot2();
				if (key == null || limits.limit(slot) == 0) {
					continue;
				}
				if (gate(key) == null || this.running.getOrDefault(key, 0) >= limits.limit(slot)) {
					blocked = this.now.plus(RECHECK);
				}
			}
			Gate throttle = (run.throttled() && limits.throttleInterval() != null) ? gate(run.throttle()) : null;
			if (blocked == null && run.throttled() && limits.throttleInterval() != null) {
				if (throttle == null) {
					blocked = this.now.plus(RECHECK);
				}
				else if (throttle.throttleAllowance(this.now, limits) == 0) {
					blocked = throttle.throttleReady(limits);
				}
			}
			if (blocked != null) {
				if (behind != null) {
					behind.blockUntil(blocked);
				}
				return;
			}
			this.admitted.add(run.id());
			for (String key : new String[] { run.slot1(), run.slot2() }) {
				if (key != null) {
					this.running.merge(key, 1, Integer::sum);
				}
			}
			if (throttle != null) {
				throttle.passThrottle(this.now, limits);
			}
		}

		private @Nullable Gate gate(String key) {
			Gate gate = this.gates.get(key);
			return (gate != null) ? gate : this.others.get(key);
		}

	}

}
