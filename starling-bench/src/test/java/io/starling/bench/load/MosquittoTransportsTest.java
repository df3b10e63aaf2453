package io.starling.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load tool over TLS (with a CA it must trust) and over WebSocket, against Mosquitto from Debian's package
 * (Starling's own TLS and WebSocket listeners come with the listeners issue). Certificates are made with
 * openssl for each run.
 */
class MosquittoTransportsTest {

    @TempDir
    static Path dir;

    static Process mosquitto;
    static int wsPort;
    static int tlsPort;

    @BeforeAll
    static void startMosquitto() throws Exception {
        for (String tool : List.of("mosquitto", "openssl")) {
            if (!onPath(tool)) {
                String why = tool + " not installed; install Debian's mosquitto and openssl to run these tests";
                System.err.println("*** SKIPPED: " + why);
                Assumptions.assumeTrue(false, why);
            }
        }
        run("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-days", "2", "-subj", "/CN=starling-bench-test-ca");
        run("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=localhost");
        Files.writeString(dir.resolve("san.ext"), "subjectAltName=DNS:localhost,IP:127.0.0.1\n");
        run("openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "san.ext");
        wsPort = freePort();
        tlsPort = freePort();
        Files.writeString(dir.resolve("mosquitto.conf"), String.join("\n",
                "listener " + wsPort + " 127.0.0.1", "protocol websockets",
                "listener " + tlsPort + " 127.0.0.1",
                "cafile " + dir.resolve("ca.pem"), "certfile " + dir.resolve("server.pem"),
                "keyfile " + dir.resolve("server.key"),
                "allow_anonymous true", "user root", ""));
        mosquitto = new ProcessBuilder("mosquitto", "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("mosquitto.log").toFile()).start();
        await().atMost(Duration.ofSeconds(10)).until(() -> listening(wsPort) && listening(tlsPort));
    }

    @AfterAll
    static void stopMosquitto() throws InterruptedException {
        if (mosquitto != null) {
            mosquitto.destroy();
            mosquitto.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void overWebSocket() throws Exception {
        JsonNode j = bench("pubsub", "-p", String.valueOf(wsPort), "--ws", "-t", "ws/%i", "--sub-topic", "ws/#");
        assertThat(j.get("transport").asText()).endsWith("+ws");
        assertThat(j.at("/delivery/received_distinct").asLong()).isEqualTo(1000);
        assertThat(j.at("/delivery/lost").asLong()).isZero();
    }

    @Test
    void overTlsTrustingTheCa() throws Exception {
        JsonNode j = bench("pubsub", "-p", String.valueOf(tlsPort), "--ssl", "--cafile",
                dir.resolve("ca.pem").toString(), "-t", "tls/%i", "--sub-topic", "tls/#");
        assertThat(j.get("transport").asText()).endsWith("+tls");
        assertThat(j.at("/delivery/received_distinct").asLong()).isEqualTo(1000);
    }

    @Test
    void tlsRefusesAServerItDoesNotTrust() throws Exception {
        // No --cafile: the JDK's trust store does not know the test CA, so every handshake fails.
        StringWriter out = new StringWriter();
        int code = StarlingBench.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(new StringWriter()))
                .execute("conn", "-p", String.valueOf(tlsPort), "--ssl", "-c", "2", "-i", "0", "-d", "0.1", "-Q",
                        "--json");
        JsonNode j = new ObjectMapper().readTree(out.toString());
        assertThat(code).isEqualTo(1);
        assertThat(j.get("failed").asInt()).isEqualTo(2);
    }

    private static JsonNode bench(String... args) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = Stream.concat(Stream.of(args), Stream.of("--pubs", "2", "--subs", "1", "-q", "1", "-I", "0",
                "-L", "500", "-d", "30", "-Q", "--json")).toArray(String[]::new);
        int code = StarlingBench.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(all);
        assertThat(code).as(err.toString()).isZero();
        return new ObjectMapper().readTree(out.toString());
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + output).isZero();
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
