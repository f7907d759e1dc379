package dev.fanout.engine.sending;

import java.util.List;
import java.util.function.Supplier;

import org.springframework.transaction.TransactionSystemException;
import org.springframework.transaction.support.TransactionTemplate;

import dev.fanout.Event;
import dev.fanout.EventSender;
import dev.fanout.SendResult;
import dev.fanout.engine.event.EventPayloads;

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

	/**
	 * Create a sender.
	 * @param writer writes the events and their runs
	 * @param payloads checks and serializes the events
	 * @param transaction joins the caller's transaction or starts one
	 */
	public StoreEventSender(EventWriter writer, EventPayloads payloads, TransactionTemplate transaction) {
		this.writer = writer;
		this.payloads = payloads;
		this.transaction = transaction;
	}

	@Override
	public SendResult sendAll(List<Event> events) {
		// Checked before joining the caller's transaction: a rejected send must leave
		// that transaction usable, not marked rollback-only.
		List<EventPayloads.Payload> checked = this.payloads.forSend(events);
		DirectStart starter = this.writer.localStarter();
		return inTransaction(() -> this.writer.write(events, checked, null, starter));
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
