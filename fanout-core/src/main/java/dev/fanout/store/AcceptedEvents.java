package dev.fanout.store;

import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What a send's first statement found: which of its events are new, and, where the store
 * reads it in the same statement, the function table's version.
 *
 * @param ids the ids that are new within the dedup window
 * @param functionsVersion the {@link RunStore#functionsVersion() function table's
 * version}, or {@code null} if it was not read with them
 */
public record AcceptedEvents(Set<String> ids, @Nullable String functionsVersion) {

}
