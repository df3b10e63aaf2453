package io.starling.stomp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Runs a scenario of {@code stomp_client.py} (Debian's python3-stomp) and reads what it prints, line by line. */
final class PythonStomp implements AutoCloseable {
    private static final String PYTHON = findPython();
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private PythonStomp(Process process) {
        this.process = process;
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException ignored) {
                // the process ended
            }
            lines.add("EOF");
        }, "stomp.py output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Skips the test, loudly, when no python3 with the stomp module is installed. */
    static void assumeInstalled() {
        Assumptions.assumeTrue(PYTHON != null, "SKIPPED LOUDLY: no python3 with the 'stomp' module (Debian's"
                + " python3-stomp: apt-get install python3-stomp); the stomp.py tests did not run");
    }

    static PythonStomp run(int port, String scenario, String... args) {
        assumeInstalled();
        List<String> command = new ArrayList<>(List.of(PYTHON, script(), Integer.toString(port), scenario));
        command.addAll(List.of(args));
        try {
            return new PythonStomp(new ProcessBuilder(command).redirectErrorStream(true).start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The next line, which must start with {@code prefix}; returns the rest after the prefix and a space. */
    String expect(String prefix) {
        String line;
        try {
            line = lines.poll(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        seen.add(String.valueOf(line));
        assertThat(line).as("stomp.py printed so far: %s", seen).isNotNull().startsWith(prefix);
        return line.length() > prefix.length() ? line.substring(prefix.length() + 1) : "";
    }

    /** Waits for the process to end and returns its exit code. */
    int exitCode() {
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    private static String script() {
        try {
            return Path.of(PythonStomp.class.getResource("/stomp_client.py").toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Debian's python3 first (pyenv's may lack Debian's packages), then whatever python3 is on the PATH. */
    private static String findPython() {
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import stomp").redirectErrorStream(true).start();
                if (p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    return candidate;
                }
            } catch (IOException e) {
                // not there
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        System.err.println("*** stomp.py tests SKIPPED: no python3 with the 'stomp' module (apt-get install"
                + " python3-stomp) ***");
        return null;
    }
}
