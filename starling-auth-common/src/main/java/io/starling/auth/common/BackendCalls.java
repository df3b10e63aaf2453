package io.starling.auth.common;

import io.starling.codec.LogSafe;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a backend's blocking calls (JDBC, Redis, LDAP) on its own bounded pool, never on a network thread. Each
 * call has a deadline: an answer later than {@code timeout}, a full queue or a failure turns into the fallback
 * the caller gives (the failure policy), with a log line naming the backend and the client, never a password.
 */
public final class BackendCalls implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BackendCalls.class);

    private final String backend;
    private final Duration timeout;
    private final ThreadPoolExecutor pool;

    public BackendCalls(String backend, int threads, int queue, Duration timeout) {
        this.backend = backend;
        this.timeout = timeout;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queue),
                r -> {
                    Thread t = new Thread(r, backend + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                }, new ThreadPoolExecutor.AbortPolicy());
        pool.allowCoreThreadTimeOut(true);
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * The task's answer, or {@code onFailure} applied to what went wrong (timeout, a full queue, an exception)
     * when it does not come within the timeout.
     */
    public <T> CompletableFuture<T> call(String clientId, Callable<T> task, Function<Throwable, T> onFailure) {
        CompletableFuture<T> answer = new CompletableFuture<>();
        try {
            pool.execute(() -> {
                if (answer.isDone()) {
                    return;
                }
                try {
                    answer.complete(task.call());
                } catch (Throwable e) {
                    answer.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException full) {
            answer.completeExceptionally(new IllegalStateException("too many calls waiting ("
                    + pool.getQueue().size() + ")"));
        }
        return answer.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).exceptionally(e -> {
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
                    ? e.getCause() : e;
            String why = cause instanceof TimeoutException ? "no answer within " + timeout.toMillis() + " ms"
                    : cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + firstLine(cause));
            T fallback = onFailure.apply(cause);
            LOG.warn("{} failed for client '{}' ({})", backend, LogSafe.escape(clientId), why);
            return fallback;
        });
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
