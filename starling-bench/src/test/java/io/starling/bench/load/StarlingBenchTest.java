package io.starling.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.testkit.StarlingExtension;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The load tool against a real node: what it counts must match what happened. */
class StarlingBenchTest {

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create();

    /** Drops rather than pauses publishers (a queue of 10 behind an in-flight window of 1); short client ids only. */
    @RegisterExtension
    static final StarlingExtension LOSSY = StarlingExtension.create(b -> b.config(
            "mqtt.max_queued_messages = 10\nmqtt.max_inflight = 1\nmqtt.pause_publishers = false\n"
                    + "mqtt.max_clientid_len = 8"));

    /** One run of the tool in this JVM: exit code, stdout, stderr. */
    record Run(int exitCode, String out, String err) {
        JsonNode json() throws Exception {
            return new ObjectMapper().readTree(out);
        }
    }

    static Run bench(String... args) {
        return bench(BROKER, args);
    }

    static Run bench(StarlingExtension node, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = Stream.concat(Stream.of(args), Stream.of("-p", String.valueOf(node.port()), "-Q"))
                .toArray(String[]::new);
        int code = StarlingBench.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void qos1FanInAccountsForEveryMessage() throws Exception {
        Run run = bench("pubsub", "--json", "--pubs", "3", "--subs", "1", "-t", "fanin1/%i", "--sub-topic",
                "fanin1/#", "-q", "1", "-I", "0", "-L", "2000", "-d", "30", "--prefix", "q1");
        JsonNode d = run.json().get("delivery");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(d.get("sent").asLong()).isEqualTo(6000);
        assertThat(d.get("acked").asLong()).isEqualTo(6000);
        assertThat(d.get("expected").asLong()).isEqualTo(6000);
        assertThat(d.get("received_distinct").asLong()).isEqualTo(6000);
        assertThat(d.get("lost").asLong()).isZero();
        assertThat(d.get("duplicates").asLong()).isZero();
        assertThat(run.json().at("/latency_micros/p99").asLong()).isPositive();
        // Linux reports the host's steal time, which tells a noisy minute on a shared host from the broker.
        assertThat(run.json().at("/cpu/host_steal_percent").isNumber()).as(run.out()).isTrue();
        assertThat(run.json().at("/cpu/host_steal_percent").asDouble()).isBetween(0.0, 100.0);
        // The run ended when the 6,000 messages were out and acknowledged, not at the 30 s cap.
        assertThat(run.json().at("/throughput/seconds").asDouble()).isPositive().isLessThan(30);
    }

    @Test
    void qos2OverMqtt311IsExactlyOnce() throws Exception {
        Run run = bench("pubsub", "--json", "-V", "4", "--pubs", "2", "--subs", "2", "-t", "q2/%i", "--sub-topic",
                "q2/#", "-q", "2", "-I", "0", "-L", "1000", "-d", "30", "--prefix", "q2");
        JsonNode d = run.json().get("delivery");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(d.get("expected").asLong()).isEqualTo(4000); // 2 publishers x 1000 x 2 subscribers
        assertThat(d.get("received_distinct").asLong()).isEqualTo(4000);
        assertThat(d.get("duplicates").asLong()).isZero();
    }

    @Test
    void fanOutAtAFixedRateDeliversToEverySubscriber() throws Exception {
        long pid = ProcessHandle.current().pid(); // the node runs in this JVM
        Run run = bench("pubsub", "--json", "--pubs", "1", "--subs", "5", "-t", "fan/x", "--sub-topic", "fan/+",
                "-q", "0", "-R", "2000", "-L", "400", "-d", "30", "--prefix", "fan", "--broker-pid",
                String.valueOf(pid));
        JsonNode d = run.json().get("delivery");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(d.get("sent").asLong()).isEqualTo(400);
        assertThat(d.get("received_distinct").asLong()).isEqualTo(2000);
        assertThat(d.get("lost").asLong()).isZero();
        // The broker's threads were woken to deliver 2,000 messages over a fifth of a second: the scheduler saw it.
        assertThat(run.json().at("/cpu/broker_timeslices_per_second").asLong()).as(run.out()).isPositive();
        assertThat(run.json().at("/cpu/broker_runqueue_wait_micros_per_timeslice").isNumber()).isTrue();
        // The kernel's reclaim threads are reported where the kernel runs them (a kdamond with a pid), and only there.
        assertThat(run.json().at("/cpu/kernel_reclaim_percent_of_one_core").isNumber()).as(run.out())
                .isEqualTo(kdamondRunning());
    }

    @Test
    void lossesAreCountedWhenTheBrokerDropsMessages() throws Exception {
        Run run = bench(LOSSY, "pubsub", "--json", "--pubs", "5", "--subs", "1", "-t", "lossy/%i",
                "--sub-topic", "lossy/#", "-q", "1", "-I", "0", "-L", "5000", "-d", "30", "--drain", "3",
                "--prefix", "l");
        JsonNode d = run.json().get("delivery");
        assertThat(d.get("acked").asLong()).isEqualTo(25_000);
        assertThat(d.get("lost").asLong()).isPositive();
        assertThat(d.get("received_distinct").asLong() + d.get("lost").asLong()).isEqualTo(25_000);
        assertThat(run.exitCode()).isEqualTo(1);
    }

    @Test
    void pubModeMessagesCarryTheSequenceHeader() throws Exception {
        Mqtt5BlockingClient sub = Mqtt5Client.builder().identifier("hive-sub").serverHost("localhost")
                .serverPort(BROKER.port()).buildBlocking();
        sub.connect();
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = sub.publishes(MqttGlobalPublishFilter.ALL)) {
            sub.subscribeWith().topicFilter("pubmode/#").qos(MqttQos.AT_LEAST_ONCE).send();
            Run run = bench("pub", "--json", "-c", "2", "-t", "pubmode/%c", "-q", "1", "-I", "0", "-L", "50",
                    "-s", "100", "-d", "30", "--prefix", "pm");
            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.json().get("sent_total").asLong()).isEqualTo(100);
            assertThat(run.json().get("acked_total").asLong()).isEqualTo(100);
            List<String> topics = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                Optional<Mqtt5Publish> p = publishes.receive(5, TimeUnit.SECONDS);
                assertThat(p).isPresent();
                ByteBuffer payload = p.get().getPayload().orElseThrow();
                assertThat(payload.remaining()).isEqualTo(100);
                assertThat(payload.getInt(0)).isEqualTo(Probe.MAGIC);
                topics.add(p.get().getTopic().toString());
            }
            assertThat(topics).containsOnly("pubmode/pm-pub-0", "pubmode/pm-pub-1");
        } finally {
            sub.disconnect();
        }
    }

    @Test
    void connModeHoldsConnectionsAndMeasuresTheBroker() throws Exception {
        long pid = ProcessHandle.current().pid(); // the node runs in this JVM
        Run run = bench("conn", "--json", "-c", "50", "-i", "0", "-d", "0.2", "--broker-pid", String.valueOf(pid),
                "--prefix", "idle");
        JsonNode j = run.json();
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(j.get("connected").asInt()).isEqualTo(50);
        assertThat(j.get("still_connected").asInt()).isEqualTo(50);
        assertThat(j.get("connects_per_second").asLong()).isPositive();
        assertThat(j.at("/broker_memory/resident_bytes_after").asLong()).isPositive();
        assertThat(j.at("/cpu/host_steal_percent").isNumber()).as(run.out()).isTrue();
    }

    @Test
    void refusedConnectionsAreErrorsAndTheExitCodeSaysSo() throws Exception {
        // Client ids like "bench-conn-0" are longer than LOSSY's limit of 8.
        Run run = bench(LOSSY, "conn", "--json", "-c", "2", "-i", "0", "-d", "0.1");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.json().get("failed").asInt()).isEqualTo(2);
        assertThat(run.json().get("last_error").asText()).isNotEmpty();
    }

    @Test
    void badOptionsAreRefusedWithAClearMessage() {
        Run qos = bench("pubsub", "-q", "3");
        assertThat(qos.exitCode()).isEqualTo(2);
        assertThat(qos.err()).contains("--qos must be 0, 1 or 2");
        Run version = bench("conn", "-V", "7");
        assertThat(version.exitCode()).isEqualTo(2);
        assertThat(version.err()).contains("--protocol-version must be 3, 4 or 5");
        Run mode = bench("nosuchmode");
        assertThat(mode.exitCode()).isEqualTo(2);
    }

    /** Whether the kernel runs a DAMON thread, read from sysfs rather than through the tool's own reader. */
    private static boolean kdamondRunning() throws IOException {
        Path daemons = Path.of("/sys/kernel/mm/damon/admin/kdamonds");
        if (!Files.isDirectory(daemons)) {
            return false;
        }
        try (Stream<Path> each = Files.list(daemons)) {
            for (Path d : (Iterable<Path>) each::iterator) {
                Path pid = d.resolve("pid");
                if (Files.isReadable(pid) && Long.parseLong(Files.readString(pid).trim()) > 0) {
                    return true;
                }
            }
        }
        return false;
    }
}
