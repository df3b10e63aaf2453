package io.starling.broker.security;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a SCRAM-SHA-256 CONNECT costs the node: both of its steps (the challenge, then checking the proof and
 * signing), with the client's messages made once beforehand (the client's salted password is its own cost).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ScramExchangeBenchmark {
    private static final String NONCE = "server-nonce";

    private UserDatabase users;
    private final byte[] clientFirst = "n,,n=device,r=client-nonce".getBytes(StandardCharsets.UTF_8);
    private byte[] clientFinal;

    @Setup
    public void setUp() throws Exception {
        Path dir = Files.createTempDirectory("scram-bench");
        users = new UserDatabase(dir.resolve("passwd"), 1000, 4096);
        users.add("device", "a-device-password".toCharArray(), false);
        ScramCredential keys = users.scramCredential("device");
        String serverFirst = "r=client-nonce" + NONCE + ",s=" + Base64.getEncoder().encodeToString(keys.salt())
                + ",i=" + keys.iterations();
        String withoutProof = "c=biws,r=client-nonce" + NONCE;
        byte[] authMessage = ("n=device,r=client-nonce," + serverFirst + "," + withoutProof)
                .getBytes(StandardCharsets.UTF_8);
        byte[] salted = ScramCredential.saltedPassword("a-device-password".toCharArray(), keys.salt(),
                keys.iterations());
        byte[] clientKey = ScramCredential.hmac(salted, "Client Key".getBytes(StandardCharsets.US_ASCII));
        byte[] signature = ScramCredential.hmac(keys.storedKey(), authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ signature[i]);
        }
        clientFinal = (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof))
                .getBytes(StandardCharsets.UTF_8);
        connect(); // the proof holds, or the benchmark would measure a failure
    }

    @Benchmark
    public byte[] connect() throws ScramException {
        ScramExchange scram = new ScramExchange(users, () -> NONCE);
        scram.first(clientFirst);
        return scram.last(clientFinal);
    }
}
