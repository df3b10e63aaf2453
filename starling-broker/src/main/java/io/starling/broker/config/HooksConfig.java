package io.starling.broker.config;

/**
 * The threads that run blocking hooks.
 *
 * @param threads   how many; blocking hooks of all plugins share them
 * @param queueSize calls that may wait for a thread; beyond it a call is refused, logged and counted
 */
public record HooksConfig(int threads, int queueSize) {
}
