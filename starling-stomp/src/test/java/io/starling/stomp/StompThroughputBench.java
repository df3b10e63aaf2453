package io.starling.stomp;

import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.starling.stomp.frame.StompFrame;
import io.starling.testkit.StarlingExtension;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A short throughput run, not part of the suite (its name is not a test's): one STOMP client and one MQTT client
 * (HiveMQ) on a node in the same JVM, 64-byte messages. Run it with
 * {@code ./mvnw -o -pl starling-stomp -am package -Dtest=StompThroughputBench -Dsurefire.failIfNoSpecifiedTests=false}
 * ({@code -Dstomp.bench.messages=N} for another count).
 */
class StompThroughputBench {
    private static final int MESSAGES = Integer.getInteger("stomp.bench.messages", 200_000);
    private static final byte[] PAYLOAD = new byte[64];

    @RegisterExtension
    static final StarlingExtension BROKER = StompNodes.node("storage.type = memory\n");

    static {
        Arrays.fill(PAYLOAD, (byte) 'x');
    }

    @Test
    void stompToMqtt() throws Exception {
        for (int qos : new int[] {1, 0}) {
            Mqtt5AsyncClient sub = mqtt("bench-sub-" + qos);
            AtomicLong received = new AtomicLong();
            sub.subscribeWith().topicFilter("bench/in/" + qos).qos(MqttQos.fromCode(qos))
                    .callback(p -> received.incrementAndGet()).send().join();
            byte[] frame = frame("SEND\ndestination:/topic/bench.in." + qos + "\nqos:" + qos + "\ncontent-length:64\n\n");
            try (Socket socket = new Socket("127.0.0.1", StompNodes.stompPort(BROKER.node()));
                    RawStomp control = new RawStomp(socket)) {
                control.connect("");
                OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
                long start = System.nanoTime();
                for (int i = 0; i < MESSAGES; i++) {
                    out.write(frame);
                }
                out.flush();
                long done = waitFor(received, start);
                report("STOMP SEND -> MQTT subscriber, QoS " + qos, received.get(), done - start);
            }
            sub.disconnect().join();
        }
    }

    @Test
    void mqttToStomp() throws Exception {
        for (String ack : new String[] {"client", "auto"}) {
            int qos = ack.equals("auto") ? 0 : 1;
            try (Socket socket = new Socket("127.0.0.1", StompNodes.stompPort(BROKER.node()));
                    RawStomp stomp = new RawStomp(socket)) {
                stomp.connect("");
                stomp.write("SUBSCRIBE\nid:b\ndestination:/topic/bench.out." + ack + "\nack:" + ack
                        + "\nreceipt:r\n\n^@");
                stomp.read();
                AtomicLong received = new AtomicLong();
                Thread reader = new Thread(() -> {
                    while (received.get() < MESSAGES) {
                        StompFrame m;
                        try {
                            m = stomp.read(); // 5 s without a frame ends the run
                        } catch (RuntimeException e) {
                            return;
                        }
                        long n = received.incrementAndGet();
                        if (qos == 1 && n % 16 == 0) {
                            stomp.write("ACK\nid:" + m.header("ack") + "\n\n^@"); // cumulative
                        }
                    }
                });
                reader.start();
                Mqtt5AsyncClient pub = mqtt("bench-pub-" + ack);
                long start = System.nanoTime();
                for (int i = 0; i < MESSAGES; i++) {
                    pub.publishWith().topic("bench/out/" + ack).qos(MqttQos.fromCode(qos)).payload(PAYLOAD).send();
                }
                long done = waitFor(received, start);
                reader.join(5000);
                report("MQTT PUBLISH -> STOMP subscriber, QoS " + qos + " (ack:" + ack + ")", received.get(),
                        done - start);
                pub.disconnect().join();
            }
        }
    }

    /** The same harness with MQTT on both sides: what the clients and the machine allow without STOMP. */
    @Test
    void mqttToMqtt() {
        for (int qos : new int[] {1, 0}) {
            Mqtt5AsyncClient sub = mqtt("base-sub-" + qos);
            AtomicLong received = new AtomicLong();
            sub.subscribeWith().topicFilter("bench/base/" + qos).qos(MqttQos.fromCode(qos))
                    .callback(p -> received.incrementAndGet()).send().join();
            Mqtt5AsyncClient pub = mqtt("base-pub-" + qos);
            long start = System.nanoTime();
            for (int i = 0; i < MESSAGES; i++) {
                pub.publishWith().topic("bench/base/" + qos).qos(MqttQos.fromCode(qos)).payload(PAYLOAD).send();
            }
            long done = waitFor(received, start);
            report("MQTT PUBLISH -> MQTT subscriber (baseline), QoS " + qos, received.get(), done - start);
            pub.disconnect().join();
            sub.disconnect().join();
        }
    }

    private static Mqtt5AsyncClient mqtt(String id) {
        Mqtt5AsyncClient c = Mqtt5Client.builder().identifier(id).serverHost("127.0.0.1").serverPort(BROKER.port())
                .buildAsync();
        c.connect().join();
        return c;
    }

    private static byte[] frame(String headers) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(headers.getBytes(StandardCharsets.UTF_8));
        b.write(PAYLOAD);
        b.write(0);
        return b.toByteArray();
    }

    /** Until every message arrived, or the count stood still for two seconds (QoS 0 may drop); returns when. */
    private static long waitFor(AtomicLong received, long start) {
        long[] last = {-1, System.nanoTime()};
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(5)).until(() -> {
            long now = received.get();
            if (now != last[0]) {
                last[0] = now;
                last[1] = System.nanoTime();
            }
            return now >= MESSAGES || System.nanoTime() - last[1] > 2_000_000_000L;
        });
        return received.get() >= MESSAGES ? System.nanoTime() : last[1];
    }

    private static void report(String what, long received, long nanos) {
        double seconds = nanos / 1e9;
        System.out.printf("BENCH %s: %d of %d messages in %.2f s = %,.0f msg/s%n", what, received, MESSAGES, seconds,
                received / seconds);
    }
}
