package dev.lmforge.common.events;

/**
 * What a service does with one decoded event. Throwing refuses it: an
 * {@link dev.lmforge.common.errors.LmForgeException} of kind UNAVAILABLE is retried with backoff,
 * anything else goes to the service's dead-letter topic at once.
 */
@FunctionalInterface
public interface EventHandler<T> {

    void handle(T event) throws Exception;
}
