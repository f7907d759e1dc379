package dev.fanout.engine.function;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

import dev.fanout.store.GateOpening;
import dev.fanout.store.NewRun;
import dev.fanout.store.RunFlow;

/**
 * The keys of flow-control state: the kind of control, the function it belongs to (none
 * for a global one), and the key's value, which an event supplies and so may be of any
 * length: a long one is replaced by its SHA-256, so that every key fits its column.
 */
public final class GateKeys {

	/** The longest value kept as it is. */
	private static final int LONGEST_VALUE = 200;

	/** The kind of a global concurrency key, which names no function. */
	static final String GLOBAL = "g";

	private GateKeys() {
	}

	/**
	 * A key.
	 * @param kind the control, such as {@code c1} for the first concurrency limit
	 * @param function {@code app/function}, or {@code null} for a global key
	 * @param value the key's value for an event, empty when the control has no key
	 * @return the key, which fits a column of 512 characters for ids of at most 128
	 */
	public static String of(String kind, @Nullable String function, String value) {
		String kept = (value.length() <= LONGEST_VALUE) ? value : "sha256:" + sha256(value);
		return (function != null) ? kind + ":" + function + ":" + kept : kind + ":" + kept;
	}

	/**
	 * The gates that new runs wait behind, one per run, for {@link #merged}.
	 * @param runs the new runs; those started as they are inserted wait behind none
	 * @return the openings
	 */
	public static List<GateOpening> openings(Collection<NewRun> runs) {
		List<GateOpening> openings = new ArrayList<>();
		for (NewRun run : runs) {
			GateOpening opening = (run.leaseOwner() == null)
					? opening(run.appId(), run.functionId(), run.flow(), run.dueAt()) : null;
			if (opening != null) {
				openings.add(opening);
			}
		}
		return openings;
	}

	/**
	 * The gate a run waits behind, if any.
	 * @param appId the run's application
	 * @param functionId its function
	 * @param flow its gates
	 * @param due when it is due
	 * @return the opening, or {@code null} for a run behind no gate
	 */
	public static @Nullable GateOpening opening(String appId, String functionId, RunFlow flow, Instant due) {
		String key = flow.gate();
		if (key == null) {
			return null;
		}
		boolean global = key.startsWith(GLOBAL + ":");
		return new GateOpening(key, global ? null : appId, global ? null : functionId, due);
	}

	/**
	 * Openings merged by key, each due with the earliest, in key order: the order every
	 * send locks gates in.
	 * @param openings the openings
	 * @return the merged openings
	 */
	public static List<GateOpening> merged(Collection<GateOpening> openings) {
		Map<String, GateOpening> byKey = new TreeMap<>();
		for (GateOpening opening : openings) {
			byKey.merge(opening.key(), opening, (a, b) -> a.due().isAfter(b.due()) ? b : a);
		}
		return List.copyOf(byKey.values());
	}

	private static String sha256(String value) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from this JVM", ex);
		}
	}

}
