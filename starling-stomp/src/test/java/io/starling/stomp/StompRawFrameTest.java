package io.starling.stomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.starling.stomp.frame.StompFrame;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Exact frames on a socket, where a client library would hide the bytes. */
class StompRawFrameTest {
    @RegisterExtension
    static final StarlingExtension BROKER = StompNodes.node("""
            stomp.max_frame_bytes = 4KiB
            stomp.max_headers = 8
            stomp.max_header_bytes = 256
            stomp.heartbeat.send = 100ms
            stomp.heartbeat.receive = 200ms
            stomp.heartbeat.tolerance = 1.5
            mqtt.max_topic_levels = 16
            """);

    private static RawStomp client() {
        return new RawStomp(StompNodes.stompPort(BROKER.node()));
    }

    @Test
    void connectedSaysVersionServerAndSession() {
        try (RawStomp c = client()) {
            StompFrame connected = c.connect("client-id:raw-1\n");
            assertThat(connected.command()).isEqualTo("CONNECTED");
            assertThat(connected.header("version")).isEqualTo("1.2");
            assertThat(connected.header("session")).isEqualTo("raw-1");
            assertThat(connected.header("server")).startsWith("Starling/");
            assertThat(connected.header("heart-beat")).isEqualTo("0,0");
        }
    }

    @Test
    void version10WithoutAcceptVersionAndUnsupportedVersionRefused() {
        try (RawStomp c = client()) {
            c.write("CONNECT\nlogin:x\n\n^@");
            StompFrame connected = c.read();
            assertThat(connected.command()).isEqualTo("CONNECTED");
            assertThat(connected.header("version")).isEqualTo("1.0");
            assertThat(connected.header("heart-beat")).isNull();
        }
        try (RawStomp c = client()) {
            c.write("CONNECT\naccept-version:2.0,3.1\n\n^@");
            StompFrame error = c.read();
            assertThat(error.command()).isEqualTo("ERROR");
            assertThat(error.header("version")).isEqualTo("1.0,1.1,1.2");
            assertThat(c.closedByNode()).as("one ERROR, then the close").isTrue();
        }
    }

    @Test
    void sendWithReceiptReachesSubscriberWithEscapedHeadersAndContentLength() {
        try (RawStomp sub = client(); RawStomp pub = client()) {
            sub.connect("");
            sub.write("SUBSCRIBE\nid:s1\ndestination:/topic/raw.*\nreceipt:r-sub\n\n^@");
            assertThat(sub.read().header("receipt-id")).isEqualTo("r-sub");
            pub.connect("");
            // A value with an escaped colon, a backslash and a newline, and a body with a NUL inside (content-length).
            pub.write("SEND\ndestination:/topic/raw.one\nx-note:a\\cb\\\\c\\nd\ncontent-type:application/octet-stream\n"
                    + "content-length:3\nreceipt:r1\n\nA^@B^@");
            StompFrame receipt = pub.read();
            assertThat(receipt.command()).isEqualTo("RECEIPT");
            assertThat(receipt.header("receipt-id")).isEqualTo("r1");
            StompFrame message = sub.read();
            assertThat(message.command()).isEqualTo("MESSAGE");
            assertThat(message.header("subscription")).isEqualTo("s1");
            assertThat(message.header("destination")).isEqualTo("/topic/raw.one");
            assertThat(message.header("content-type")).isEqualTo("application/octet-stream");
            assertThat(message.header("content-length")).isEqualTo("3");
            assertThat(message.header("message-id")).isNotBlank();
            assertThat(message.header("ack")).isNull(); // auto: nothing to acknowledge
            assertThat(message.header("x-note")).isEqualTo("a\\cb\\\\c\\nd"); // escaped again on the way out
            assertThat(message.body()).containsExactly('A', 0, 'B');
        }
    }

    @Test
    void version10HeadersAreNotUnescaped() {
        try (RawStomp sub = client(); RawStomp pub = client()) {
            sub.connect("");
            sub.write("SUBSCRIBE\nid:s\ndestination:v10/t\nreceipt:r\n\n^@");
            sub.read();
            pub.write("CONNECT\n\n^@");
            pub.read();
            pub.write("SEND\ndestination:v10/t\nx-raw:back\\slash:colon\n\nhi^@");
            StompFrame message = sub.read();
            // 1.0 sent it as it was; 1.2 escapes it on the way to the subscriber.
            assertThat(message.header("x-raw")).isEqualTo("back\\\\slash\\ccolon");
            assertThat(new String(message.body(), StandardCharsets.UTF_8)).isEqualTo("hi");
        }
    }

    @Test
    void malformedFrameGetsErrorAndTheNodeServesOthers() {
        try (RawStomp bad = client(); RawStomp good = client()) {
            bad.connect("");
            bad.write("send\ndestination:x\n\n^@");
            StompFrame error = bad.read();
            assertThat(error.command()).isEqualTo("ERROR");
            assertThat(error.header("message")).contains("not a STOMP command");
            assertThat(bad.closedByNode()).isTrue();
            assertThat(good.connect("").command()).isEqualTo("CONNECTED");
        }
        try (RawStomp bad = client()) {
            bad.connect("");
            bad.write("SEND\ndestination:x\nx-bad:\\t\n\n^@");
            assertThat(bad.read().header("message")).contains("undefined escape sequence");
            assertThat(bad.closedByNode()).isTrue();
        }
        try (RawStomp bad = client()) {
            bad.write("SEND\ndestination:x\n\n^@");
            assertThat(bad.read().header("message")).contains("expected CONNECT");
        }
        try (RawStomp bad = client()) {
            bad.connect("");
            bad.write("SEND\ndestination:x\ncontent-length:2\n\nabc^@");
            assertThat(bad.read().header("message")).contains("not followed by a NUL");
        }
    }

    /** The limits an MQTT PUBLISH meets hold for a SEND too, and a bridge's client id is the node's own. */
    @Test
    void aSendBeyondTheNodesLimitsAndABridgesClientIdAreRefused() {
        try (RawStomp deep = client()) {
            deep.connect("");
            deep.write("SEND\ndestination:/topic/" + "a.".repeat(20) + "z\nreceipt:r1\n\nx^@");
            StompFrame error = deep.read();
            assertThat(error.command()).isEqualTo("ERROR");
            assertThat(error.header("message")).contains("too many topic levels");
        }
        try (RawStomp thief = client()) {
            thief.write("CONNECT\naccept-version:1.2\nhost:h\nclient-id:bridge:cloud\n\n^@");
            StompFrame error = thief.read();
            assertThat(error.command()).isEqualTo("ERROR");
            assertThat(error.header("message")).contains("are the node's bridges'");
            assertThat(thief.closedByNode()).isTrue();
        }
    }

    @Test
    void oversizeFramesGetErrorsNamingTheLimit() {
        try (RawStomp c = client()) {
            c.connect("");
            c.write("SEND\ndestination:big\n\n" + "x".repeat(5000) + "^@");
            StompFrame error = c.read();
            assertThat(error.header("message")).isEqualTo("frame larger than 4096 bytes");
            assertThat(c.closedByNode()).isTrue();
        }
        try (RawStomp c = client()) {
            c.connect("");
            c.write("SEND\ndestination:big\ncontent-length:100000\n\n");
            assertThat(c.read().header("message")).contains("frame larger than 4096 bytes");
        }
        try (RawStomp c = client()) {
            c.connect("");
            c.write("SEND\ndestination:x\n" + "h:v\n".repeat(9) + "\n^@");
            assertThat(c.read().header("message")).isEqualTo("more than 8 headers");
        }
        try (RawStomp c = client()) {
            c.connect("");
            c.write("SEND\ndestination:x\nlong:" + "v".repeat(300) + "\n\n^@");
            assertThat(c.read().header("message")).isEqualTo("header line longer than 256 bytes");
        }
        try (RawStomp c = client()) {
            assertThat(c.connect("").command()).isEqualTo("CONNECTED");
        }
    }

    @Test
    void heartBeatsBothWaysAndASilentClientIsDropped() {
        try (RawStomp c = client()) {
            // The client can send every 100 ms and wants to hear every 50: the node sends every 100 (its own
            // floor), and wants the client's every 200 (its floor), closing after 300 ms of silence.
            StompFrame connected = c.connect("heart-beat:100,50\n");
            assertThat(connected.header("heart-beat")).isEqualTo("100,200");
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) {
                c.write("\n"); // a heart-beat every 100 ms keeps the connection
                await().pollDelay(Duration.ofMillis(100)).until(() -> true);
            }
            assertThat(c.poll(1)).isNull();
            assertThat(c.heartbeats()).isGreaterThanOrEqualTo(2);
            // Now silent: an ERROR and the close within a few intervals.
            StompFrame error = c.read();
            assertThat(error.command()).isEqualTo("ERROR");
            assertThat(error.header("message")).contains("no heart-beat");
            assertThat(c.closedByNode()).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    /**
     * Frames pipelined in one write, each waiting for the node before the next runs: the connection takes 64 of
     * them at a time and leaves the rest in its buffer, then reads them without waiting for more bytes.
     */
    @Test
    void pipelinedFramesBeyondWhatTheConnectionHoldsAreAllAnswered() {
        try (RawStomp c = client()) {
            c.connect("");
            StringBuilder frames = new StringBuilder();
            for (int i = 0; i < 300; i++) {
                frames.append("SEND\ndestination:/topic/pipelined\nreceipt:r").append(i).append("\n\nm^@");
            }
            c.write(frames.toString());
            for (int i = 0; i < 300; i++) {
                StompFrame receipt = c.read();
                assertThat(receipt.command()).isEqualTo("RECEIPT");
                assertThat(receipt.header("receipt-id")).isEqualTo("r" + i);
            }
        }
    }

    /** Transactions hold their frames on the heap: 4 x max_frame_bytes (16 KiB here) across all of them. */
    @Test
    void theOpenTransactionsOfAConnectionHoldABoundedNumberOfBytes() {
        try (RawStomp c = client()) {
            c.connect("");
            c.write("BEGIN\ntransaction:t1\n\n^@BEGIN\ntransaction:t2\n\n^@");
            String body = "x".repeat(3_000);
            for (int i = 0; i < 5; i++) {
                c.write("SEND\ndestination:/topic/tx.big\ntransaction:t" + (1 + i % 2) + "\n\n" + body + "^@");
            }
            assertThat(c.poll(1)).isNull();
            c.write("SEND\ndestination:/topic/tx.big\ntransaction:t1\n\n" + body + "^@");
            StompFrame error = c.read();
            assertThat(error.command()).isEqualTo("ERROR");
            assertThat(error.header("message")).contains("the open transactions hold more than 16384 bytes");
            assertThat(c.closedByNode()).isTrue();
        }
    }

    @Test
    void transactionHoldsSendsUntilCommitAndAbortDropsThem() {
        try (RawStomp sub = client(); RawStomp pub = client()) {
            sub.connect("");
            sub.write("SUBSCRIBE\nid:s\ndestination:/topic/tx\nreceipt:r\n\n^@");
            sub.read();
            pub.connect("");
            pub.write("BEGIN\ntransaction:t1\n\n^@SEND\ndestination:/topic/tx\ntransaction:t1\n\none^@"
                    + "SEND\ndestination:/topic/tx\ntransaction:t1\n\ntwo^@");
            assertThat(sub.poll(300)).isNull();
            pub.write("COMMIT\ntransaction:t1\nreceipt:c1\n\n^@");
            assertThat(pub.read().header("receipt-id")).isEqualTo("c1");
            assertThat(new String(sub.read().body(), StandardCharsets.UTF_8)).isEqualTo("one");
            assertThat(new String(sub.read().body(), StandardCharsets.UTF_8)).isEqualTo("two");
            pub.write("BEGIN\ntransaction:t2\n\n^@SEND\ndestination:/topic/tx\ntransaction:t2\n\nnever^@"
                    + "ABORT\ntransaction:t2\nreceipt:a2\n\n^@");
            assertThat(pub.read().header("receipt-id")).isEqualTo("a2");
            pub.write("COMMIT\ntransaction:t2\n\n^@");
            assertThat(pub.read().header("message")).contains("no transaction 't2'");
            assertThat(sub.poll(300)).isNull();
        }
    }

    @Test
    void clientAckIsCumulativeAndClientIndividualIsOne() {
        try (RawStomp sub = client(); RawStomp pub = client()) {
            sub.connect("client-id:acker\n");
            sub.write("SUBSCRIBE\nid:c\ndestination:/topic/ack.c\nack:client\n\n^@"
                    + "SUBSCRIBE\nid:i\ndestination:/topic/ack.i\nack:client-individual\nreceipt:r\n\n^@");
            sub.read();
            pub.connect("");
            pub.write("SEND\ndestination:/topic/ack.c\n\n1^@SEND\ndestination:/topic/ack.c\n\n2^@"
                    + "SEND\ndestination:/topic/ack.i\n\n3^@SEND\ndestination:/topic/ack.i\n\n4^@");
            StompFrame c1 = sub.read();
            StompFrame c2 = sub.read();
            StompFrame i3 = sub.read();
            StompFrame i4 = sub.read();
            assertThat(c1.header("ack")).isEqualTo(c1.header("message-id"));
            var session = BROKER.node().services().sessions().get("acker");
            await().until(() -> session.inflightCount() == 4);
            sub.write("ACK\nid:" + c2.header("ack") + "\n\n^@"); // both of the client subscription
            await().until(() -> session.inflightCount() == 2);
            sub.write("ACK\nid:" + i4.header("ack") + "\nreceipt:ra\n\n^@"); // only that one
            assertThat(sub.read().header("receipt-id")).isEqualTo("ra");
            assertThat(session.inflightCount()).isEqualTo(1);
            sub.write("NACK\nid:" + i3.header("ack") + "\nreceipt:rn\n\n^@");
            assertThat(sub.read().header("receipt-id")).isEqualTo("rn");
            assertThat(session.inflightCount()).isZero();
            assertThat(sub.poll(200)).isNull(); // a NACKed message is not sent again
        }
    }

    @Test
    void queueGivesEachMessageToOneSubscriberAndWhatOneLeftUnackedToAnother() {
        try (RawStomp a = client(); RawStomp b = client(); RawStomp pub = client()) {
            for (RawStomp c : List.of(a, b)) {
                c.connect("");
                c.write("SUBSCRIBE\nid:q\ndestination:/queue/work\nack:client-individual\nreceipt:r\n\n^@");
                c.read();
            }
            pub.connect("");
            pub.write("SEND\ndestination:/queue/work\n\n1^@SEND\ndestination:/queue/work\n\n2^@"
                    + "SEND\ndestination:/queue/work\n\n3^@SEND\ndestination:/queue/work\nreceipt:s\n\n4^@");
            assertThat(pub.read().header("receipt-id")).isEqualTo("s");
            List<String> toA = bodies(a);
            List<String> toB = bodies(b);
            assertThat(toA).isNotEmpty();
            assertThat(toB).isNotEmpty();
            assertThat(new java.util.ArrayList<>(toA) {{ addAll(toB); }}).containsExactlyInAnyOrder("1", "2", "3", "4");
            a.close(); // without ACK: what it held goes to the other subscriber of the queue
            assertThat(bodies(b)).containsExactlyInAnyOrderElementsOf(toA);
        }
    }

    @Test
    void aConnectionTakingTheSessionOverKeepsItsSubscriptions() {
        try (RawStomp first = client(); RawStomp second = client(); RawStomp pub = client()) {
            first.connect("client-id:moving\nsession-expiry:60\n");
            first.write("SUBSCRIBE\nid:s1\ndestination:/topic/moving\nack:client\nreceipt:r\n\n^@");
            first.read();
            StompFrame connected = second.connect("client-id:moving\nsession-expiry:60\n");
            assertThat(connected.header("session-present")).isEqualTo("true");
            assertThat(first.read().header("message")).contains("took the session over");
            pub.connect("");
            pub.write("SEND\ndestination:/topic/moving\n\nhere^@");
            StompFrame message = second.read();
            assertThat(message.header("subscription")).isEqualTo("s1");
            assertThat(message.header("ack")).isNotNull();
            second.write("DISCONNECT\nreceipt:bye\n\n^@");
            assertThat(second.read().header("receipt-id")).isEqualTo("bye");
            assertThat(BROKER.node().services().sessions().clear("moving")).isTrue();
        }
    }

    /** The bodies of the MESSAGE frames that come until none has for 300 ms. */
    private static List<String> bodies(RawStomp c) {
        List<String> out = new java.util.ArrayList<>();
        StompFrame f;
        while ((f = c.poll(300)) != null) {
            out.add(new String(f.body(), StandardCharsets.UTF_8));
        }
        return out;
    }
}
