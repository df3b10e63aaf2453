package io.starling.it.security.servers;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;

/** What the test servers share: a setup command run to completion, a free port, a stop, a loud skip. */
final class Processes {

    private Processes() {
    }

    /** Runs a setup command (initdb, slapadd...) to completion; its output goes to {@code log}. */
    static void run(List<String> command, Path log) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + Files.readString(log));
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Skips the calling test, with a line on stderr nobody can miss (once per server kind and run). */
    static void skip(AtomicBoolean warned, String why) {
        if (warned.compareAndSet(false, true)) {
            System.err.println("*** SKIPPED: " + why);
        }
        Assumptions.assumeTrue(false, why);
    }
}
