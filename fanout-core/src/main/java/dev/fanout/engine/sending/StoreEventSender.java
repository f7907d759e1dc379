package dev.fanout.engine.sending;

import java.util.List;
import java.util.function.Supplier;

import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.Assert;

import dev.fanout.Event;
import dev.fanout.EventSender;
import dev.fanout.SendResult;
import dev.fanout.engine.event.EventPayloads;
import dev.fanout.engine.observe.Telemetry;

/**
 * The {@link EventSender}: checks events, then stores them and the runs they trigger in
 * the caller's transaction (or one of its own).
 *
 * @since 0.1.0
 */
public final class StoreEventSender implements EventSender {

	private final EventWriter writer;

	private final EventPayloads payloads;

	private final TransactionTemplate transaction;

	private final Telemetry telemetry;

	/**
	 * Create a sender.
	 * @param writer writes the events and their runs
	 * @param payloads checks and serializes the events
	 * @param transaction joins the caller's transaction or starts one
	 * @param telemetry observes the sends
	 */
	public StoreEventSender(EventWriter writer, EventPayloads payloads, TransactionTemplate transaction,
			Telemetry telemetry) {
		this.writer = writer;
		this.payloads = payloads;
		this.transaction = transaction;
		this.telemetry = telemetry;
	}

	@Override
	public SendResult sendAll(List<Event> events) {
		return sendAll(events, EventSources.API);
	}

	/**
	 * Send events as {@link #sendAll(List)} does, for a sender other than the
	 * application's code, such as the HTTP event API: its name is the {@code source} of
	 * the metrics and observations.
	 * @param events the events
	 * @param source who sends them, one of {@link EventSources}
	 * @return the result
	 */
	public SendResult sendAll(List<Event> events, String source) {
		Assert.notNull(events, "events must not be null");
		Assert.hasText(source, "source must not be empty");
		// Checked before joining the caller's transaction: a rejected send must leave
		// that transaction usable, not marked rollback-only.
		List<EventPayloads.Payload> checked = this.payloads.forSend(events);
		DirectStart starter = this.writer.localStarter();
		return this.telemetry.send(source, events, (traceContext) -> inTransaction(
				() -> this.writer.write(events, checked, null, starter, new EventWriter.Origin(source, traceContext))));
	}

	/**
	 * Run a send in the caller's transaction or one of its own. When the database is
	 * gone, the rollback fails too and its exception would hide the failure that matters,
	 * such as "Connection refused": the sender gets that one.
	 */
	private SendResult inTransaction(Supplier<SendResult> send) {
		try {
			return this.transaction.execute((status) -> send.get());
		}
		catch (TransactionSystemException ex) {
			if (ex.getApplicationException() instanceof RuntimeException failure) {
				failure.addSuppressed(ex);
				throw failure;
			}
			throw ex;
		}
	}

}
