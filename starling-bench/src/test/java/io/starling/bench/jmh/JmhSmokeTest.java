package io.starling.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Every JMH benchmark of the build runs and gives a result: one short iteration each, in this JVM, with small
 * tables. It measures nothing (speed is {@code bench/jmh.sh}'s business); it keeps the benchmarks from rotting,
 * so that the numbers {@code bench/jmh.sh} compares against a baseline can always be taken.
 */
class JmhSmokeTest {

    @Test
    void everyBenchmarkRunsAndScores() throws RunnerException {
        Set<String> declared = new TreeSet<>();
        for (BenchmarkListEntry e : BenchmarkList.defaultList().getAll(
                OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), List.of())) {
            declared.add(e.getUsername());
        }
        assertThat(declared).as("the benchmark list the annotation processor wrote").isNotEmpty();

        Options options = new OptionsBuilder()
                .include("io\\.starling\\..*")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .param("subscriptions", "10000")
                .param("iterations", "1000")
                .param("fanout", "100")
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(options).run();

        Set<String> ran = new TreeSet<>();
        for (RunResult r : results) {
            assertThat(r.getPrimaryResult().getScore()).as(r.getParams().getBenchmark()).isPositive();
            ran.add(r.getParams().getBenchmark());
        }
        assertThat(ran).as("benchmarks that produced a result").isEqualTo(declared);
    }
}
