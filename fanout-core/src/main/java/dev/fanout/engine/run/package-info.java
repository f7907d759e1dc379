/**
 * Executing a claimed run and recording its outcome: the journal on the database, the
 * group commit, the run's endings and cancellations. Internal; not API.
 */
@NullMarked
package dev.fanout.engine.run;

import org.jspecify.annotations.NullMarked;
