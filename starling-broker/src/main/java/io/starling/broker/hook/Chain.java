package io.starling.broker.hook;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * One run of the interceptors at a point: each gets what the previous returned, until one stops the chain.
 * Non-blocking hooks run on the calling thread; a blocking one runs on the hook threads and the rest of the
 * chain follows there. A hook that throws, or a blocking one that does not answer in time, gives
 * {@code onFailure} of its input.
 */
final class Chain<H, T> {

    @FunctionalInterface
    interface Step<H, T> {
        T apply(H hook, T value) throws Exception;
    }

    private final List<HookList.Entry<H>> entries;
    private final HookCounters counters;
    private final Executor blockingThreads;
    private final String point;
    private final String clientId;
    private final Step<H, T> step;
    private final UnaryOperator<T> onFailure;
    private final Predicate<T> stops;

    /** {@code stops} ends the chain early (a refusal); a null value always does (a stopped message). */
    Chain(HookList<H> hooks, HookCounters counters, Executor blockingThreads, String point, String clientId,
            Step<H, T> step, UnaryOperator<T> onFailure, Predicate<T> stops) {
        this.entries = hooks.entries();
        this.counters = counters;
        this.blockingThreads = blockingThreads;
        this.point = point;
        this.clientId = clientId;
        this.step = step;
        this.onFailure = onFailure;
        this.stops = stops;
    }

    CompletableFuture<T> run(T input) {
        return from(0, input);
    }

    private CompletableFuture<T> from(int index, T value) {
        T current = value;
        for (int i = index; i < entries.size(); i++) {
            if (current == null || stops.test(current)) {
                return CompletableFuture.completedFuture(current);
            }
            HookList.Entry<H> e = entries.get(i);
            if (e.options().blocking()) {
                int next = i + 1;
                return onHookThread(e, current).thenCompose(out -> from(next, out));
            }
            if (e.timeThisCall()) {
                long started = System.nanoTime();
                current = inline(e, current);
                counters.checkTime(e, started);
            } else {
                current = inline(e, current);
            }
        }
        return CompletableFuture.completedFuture(current);
    }

    private String call() {
        return point + " of '" + clientId + "'";
    }

    private T inline(HookList.Entry<H> e, T value) {
        try {
            return step.apply(e.hook(), value);
        } catch (Exception | LinkageError failure) {
            counters.failed(e.hook(), "it threw on the " + call(), failure);
            return onFailure.apply(value);
        }
    }

    private CompletableFuture<T> onHookThread(HookList.Entry<H> e, T value) {
        CompletableFuture<T> answer;
        try {
            answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return step.apply(e.hook(), value);
                } catch (Exception failure) {
                    throw new CompletionException(failure);
                }
            }, blockingThreads);
        } catch (RejectedExecutionException full) {
            counters.failed(e.hook(), "the hook threads are all busy", full);
            return CompletableFuture.completedFuture(onFailure.apply(value));
        }
        return answer.orTimeout(e.timeoutNanos(), TimeUnit.NANOSECONDS).handle((out, failure) -> {
            if (failure == null) {
                return out;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause() : failure;
            if (cause instanceof TimeoutException) {
                counters.timedOut(e.hook(), e, call());
            } else {
                counters.failed(e.hook(), "it threw on the " + call(), cause);
            }
            return onFailure.apply(value);
        });
    }
}
