package dev.fanout.store;

/**
 * A function of one of the applications sharing the database: function ids are unique
 * within an application only.
 *
 * @param appId the application
 * @param functionId the function id
 * @since 0.1.0
 */
public record FunctionKey(String appId, String functionId) {
}
