package io.starling.broker.security;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What checking a CONNECT's password costs the built-in user database: the PBKDF2 hash at a number of
 * iterations (a client's first connect), and the HMAC of a password verified before (its reconnects).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class PasswordCheckBenchmark {

    @Param({"10000", "50000"})
    public int iterations;

    private UserDatabase users;
    private final byte[] password = "a-device-password".getBytes(StandardCharsets.UTF_8);

    @Setup
    public void setUp() throws Exception {
        Path dir = Files.createTempDirectory("password-bench");
        users = new UserDatabase(dir.resolve("passwd"), iterations, 4096);
        users.add("device", "a-device-password".toCharArray(), false);
        users.verify("device", password);
    }

    @Benchmark
    public Object firstConnect() {
        return users.verify("device", password);
    }

    @Benchmark
    public boolean reconnect() {
        return users.verifiedBefore("device", password);
    }
}
