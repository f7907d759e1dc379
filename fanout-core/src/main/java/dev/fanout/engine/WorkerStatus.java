package dev.fanout.engine;

/**
 * What this instance's worker holds now, read without locks: a snapshot for gauges and
 * the Actuator endpoint.
 *
 * @param leaseOwner the lease owner id that the runs it holds carry
 * @param slotsTotal how many runs it executes at once, its concurrency
 * @param slotsAvailable how many threads are free to take a run
 * @param runsHeld how many runs it holds: executing, claimed ahead, or ended and waiting
 * for their end to commit
 * @param claimedAhead how many of those wait, claimed ahead under a backlog, for a free
 * thread
 * @since 0.1.0
 */
public record WorkerStatus(String leaseOwner, int slotsTotal, int slotsAvailable, int runsHeld, int claimedAhead) {
}
