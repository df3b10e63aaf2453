package io.starling.auth.common;

import java.time.Duration;
import java.util.Map;

/**
 * What every backend plugin is configured with besides its server.
 *
 * @param priority where its authenticator and authorizer stand in the chain (lower first; the built-in
 *                 password file is 100, the ACL file 1100)
 * @param timeout  how long one check may take, connecting included
 * @param poolSize connections to the server, and threads that use them
 * @param policy   what a down, slow or broken backend answers
 */
public record BackendSettings(int priority, Duration timeout, int poolSize, FailurePolicy policy) {

    public static BackendSettings from(Map<String, String> s, int defaultPriority) {
        return new BackendSettings(Settings.number(s, "priority", defaultPriority), Settings.duration(s, "timeout", "5s"),
                Settings.positive(s, "pool_size", 8), FailurePolicy.from(s));
    }

    /** The bounded pool for this backend's calls: a queue of 64 per connection before new calls fail fast. */
    public BackendCalls calls(String backend) {
        return new BackendCalls(backend, poolSize, poolSize * 64, timeout);
    }
}
