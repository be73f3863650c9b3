package io.patinox.executor.api;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A typed multi-step workflow from {@code I} to {@code O}. Steps are wired with {@link #then},
 * {@link #branch} and {@link #parallel}; a step whose input type does not match the previous step's
 * output does not compile. A step can run an agent ({@code AgentStep}), a tool, or plain Java.
 *
 * <pre>{@code
 * Workflow<String, Integer> words = Workflow.of(String::trim).then(s -> s.split("\\s+").length);
 * Workflow<String, String> sized = words.branch(n -> n > 100, n -> "long", n -> "short");
 * }</pre>
 *
 * @param <I> what the workflow takes
 * @param <O> what it produces
 */
@FunctionalInterface
public interface Workflow<I, O> {

    /** Runs the workflow on {@code input}. */
    O run(I input);

    /** A one-step workflow. */
    static <I, O> Workflow<I, O> of(Function<I, O> step) {
        Objects.requireNonNull(step, "step");
        return step::apply;
    }

    /** This workflow, then {@code next} on its output. */
    default <R> Workflow<I, R> then(Workflow<? super O, ? extends R> next) {
        Objects.requireNonNull(next, "next");
        return input -> next.run(run(input));
    }

    /** This workflow, then {@code ifTrue} or {@code ifFalse} on its output depending on {@code condition}. */
    default <R> Workflow<I, R> branch(Predicate<? super O> condition, Workflow<? super O, ? extends R> ifTrue,
            Workflow<? super O, ? extends R> ifFalse) {
        return input -> {
            O out = run(input);
            return condition.test(out) ? ifTrue.run(out) : ifFalse.run(out);
        };
    }

    /** This workflow, then {@code left} and {@code right} at the same time on its output, joined by {@code join}. */
    default <A, B, R> Workflow<I, R> parallel(Workflow<? super O, ? extends A> left, Workflow<? super O, ? extends B> right,
            BiFunction<? super A, ? super B, ? extends R> join) {
        return parallel(left, right, join, ForkJoinPool.commonPool());
    }

    /** As {@link #parallel(Workflow, Workflow, BiFunction)}, on {@code executor}. */
    default <A, B, R> Workflow<I, R> parallel(Workflow<? super O, ? extends A> left, Workflow<? super O, ? extends B> right,
            BiFunction<? super A, ? super B, ? extends R> join, Executor executor) {
        return input -> {
            O out = run(input);
            CompletableFuture<A> a = CompletableFuture.supplyAsync(() -> left.run(out), executor);
            CompletableFuture<B> b = CompletableFuture.supplyAsync(() -> right.run(out), executor);
            return join.apply(a.join(), b.join());
        };
    }
}
