package dev.fanout.engine.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.springframework.classify.BinaryExceptionClassifier;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.retry.support.RetryTemplate;

import dev.fanout.NonRetriableException;

/**
 * The one place fanout uses spring-retry: retrying the engine's own short database work
 * after a transient failure (deadlock, serialization failure, lost connection), and
 * classifying which user exceptions may be retried. Retries of user code are never slept
 * in a thread: they are stored as a due time and picked up by a worker.
 */
public final class RetrySupport {

	private final RetryTemplate transientRetry;

	/**
	 * Retry transient database failures up to {@code maxAttempts} times with exponential
	 * backoff.
	 * @param maxAttempts the most attempts, at least 1
	 * @param initialDelay the first delay
	 */
	public RetrySupport(int maxAttempts, Duration initialDelay) {
		this.transientRetry = RetryTemplate.builder()
			.maxAttempts(maxAttempts)
			.exponentialBackoff(initialDelay, 2, initialDelay.multipliedBy(20))
			.retryOn(List.of(TransientDataAccessException.class, RecoverableDataAccessException.class,
					DataAccessResourceFailureException.class))
			.traversingCauses()
			.build();
	}

	/**
	 * The defaults: 4 attempts, starting at 50 ms.
	 * @return the retry support
	 */
	public static RetrySupport defaults() {
		return new RetrySupport(4, Duration.ofMillis(50));
	}

	/**
	 * Run a unit of database work, retrying it after transient failures. The work must be
	 * its own transaction so that a retry starts clean.
	 * @param <T> the result type
	 * @param work the work
	 * @return its result
	 */
	public <T> T onTransientFailure(Supplier<T> work) {
		return this.transientRetry.execute((context) -> work.get());
	}

	/**
	 * A classifier that says whether an exception thrown by user code may be retried:
	 * everything but {@link NonRetriableException} and the given types, looked up along
	 * the cause chain.
	 * @param noRetryFor the types that are not retried
	 * @return the classifier, answering {@code true} for retryable exceptions
	 */
	public static BinaryExceptionClassifier retryableClassifier(List<Class<? extends Throwable>> noRetryFor) {
		List<Class<? extends Throwable>> types = new ArrayList<>(noRetryFor);
		types.add(NonRetriableException.class);
		BinaryExceptionClassifier classifier = new BinaryExceptionClassifier(types, false);
		classifier.setTraverseCauses(true);
		return classifier;
	}

}
