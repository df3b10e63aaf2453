package io.starling.broker.config;

import java.time.Duration;

/**
 * The connect path a node runs before its listeners open ({@code node.warmup_connections}).
 *
 * @param connections loopback connections to a throwaway node; 0: none
 * @param maxTime     the most the warm-up may add to the start, however many connections are left
 */
public record WarmupConfig(int connections, Duration maxTime) {
    public static final WarmupConfig OFF = new WarmupConfig(0, Duration.ofSeconds(1));

    public boolean enabled() {
        return connections > 0;
    }
}
