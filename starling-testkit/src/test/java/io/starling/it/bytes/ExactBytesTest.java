package io.starling.it.bytes;

import io.starling.codec.MqttVersion;
import io.starling.testkit.RawClient;
import io.starling.testkit.StarlingExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Whole conversations in exact bytes, as the specification's examples spell them, for 3.1, 3.1.1 and 5.0: what the
 * node sends must match to the byte, not only decode to the right packet.
 */
class ExactBytesTest {

    @RegisterExtension
    static final StarlingExtension BROKER = StarlingExtension.create();

    @Test
    void mqtt311Conversation() {
        try (RawClient c = RawClient.open(BROKER.port(), MqttVersion.MQTT_3_1_1)) {
            c.sendHex("10 10 00 04 4d 51 54 54 04 02 00 3c 00 04 74 33 31 31");  // CONNECT "t311", clean, ka 60
            c.expectHex("20 02 00 00");                                          // CONNACK accepted
            c.sendHex("82 08 00 01 00 03 61 2f 62 01");                         // SUBSCRIBE 1 "a/b" QoS 1
            c.expectHex("90 03 00 01 01");                                      // SUBACK granted 1
            c.sendHex("32 09 00 03 61 2f 62 00 02 68 69");                      // PUBLISH QoS 1 id 2 "hi"
            c.expectHex("32 09 00 03 61 2f 62 00 01 68 69");                    // ... routed back with id 1
            c.expectHex("40 02 00 02");                                         // PUBACK 2
            c.sendHex("40 02 00 01");                                           // PUBACK 1
            c.sendHex("34 09 00 03 61 2f 62 00 03 68 69");                      // PUBLISH QoS 2 id 3
            c.expectHex("32 09 00 03 61 2f 62 00 02 68 69");                    // ... downgraded to QoS 1, id 2
            c.expectHex("50 02 00 03");                                         // PUBREC 3
            c.sendHex("62 02 00 03");                                           // PUBREL 3
            c.expectHex("70 02 00 03");                                         // PUBCOMP 3
            c.sendHex("c0 00");                                                 // PINGREQ
            c.expectHex("d0 00");                                               // PINGRESP
            c.sendHex("a2 05 00 04 00 01 78");                                  // UNSUBSCRIBE 4 "x"
            c.expectHex("b0 02 00 04");                                         // UNSUBACK 4
            c.sendHex("e0 00");                                                 // DISCONNECT
            c.awaitClosed();
        }
    }

    @Test
    void mqtt31Conversation() {
        // CONNECT "MQIsdp" level 3, client "t310", clean session 0, keep-alive 60
        String connect = "10 12 00 06 4d 51 49 73 64 70 03 00 00 3c 00 04 74 33 31 30";
        try (RawClient c = RawClient.open(BROKER.port(), MqttVersion.MQTT_3_1)) {
            c.sendHex(connect);
            c.expectHex("20 02 00 00");                                         // CONNACK accepted
            c.sendHex("8a 08 00 01 00 03 61 2f 62 01");                         // SUBSCRIBE re-sent: DUP set
            c.expectHex("90 03 00 01 01");                                      // SUBACK granted 1
            c.sendHex("34 09 00 03 6e 2f 61 00 03 68 69");                      // PUBLISH QoS 2 id 3 to "n/a"
            c.expectHex("50 02 00 03");                                         // PUBREC 3
            c.sendHex("6a 02 00 03");                                           // PUBREL 3 re-sent: DUP set
            c.expectHex("70 02 00 03");                                         // PUBCOMP 3
            c.sendHex("aa 05 00 04 00 01 78");                                  // UNSUBSCRIBE re-sent: DUP set
            c.expectHex("b0 02 00 04");                                         // UNSUBACK 4
            c.sendHex("e0 00");                                                 // DISCONNECT
            c.awaitClosed();
        }
        try (RawClient c = RawClient.open(BROKER.port(), MqttVersion.MQTT_3_1)) {
            c.sendHex(connect);
            c.expectHex("20 02 00 00");             // the session is back, but 3.1 has no Session Present bit
            c.sendHex("e0 00");
            c.awaitClosed();
        }
        try (RawClient c = RawClient.open(BROKER.port(), MqttVersion.MQTT_3_1)) {
            c.sendHex("10 12 00 06 4d 51 49 73 64 70 03 02 00 3c 00 04 74 33 31 30");  // clean: ends the session
            c.expectHex("20 02 00 00");
            c.sendHex("e0 00");
            c.awaitClosed();
        }
    }

    @Test
    void mqtt5Conversation() {
        try (RawClient c = RawClient.open(BROKER.port(), MqttVersion.MQTT_5)) {
            c.sendHex("10 11 00 04 4d 51 54 54 05 02 00 3c 00 00 04 74 35 30 30");  // CONNECT "t500", no props
            // CONNACK: receive maximum 32, topic alias maximum 10, maximum packet size 1,000,000
            c.expectHex("20 0e 00 00 0b 21 00 20 22 00 0a 27 00 0f 42 40");
            c.sendHex("82 09 00 01 00 00 03 61 2f 62 01");                      // SUBSCRIBE 1 "a/b" QoS 1
            c.expectHex("90 04 00 01 00 01");                                   // SUBACK, no props, granted 1
            c.sendHex("32 0a 00 03 61 2f 62 00 02 00 68 69");                   // PUBLISH QoS 1 id 2 "hi"
            c.expectHex("32 0a 00 03 61 2f 62 00 01 00 68 69");                 // ... routed back with id 1
            c.expectHex("40 02 00 02");                                         // PUBACK 2 success
            c.sendHex("40 02 00 01");
            c.sendHex("32 0a 00 03 6e 2f 61 00 03 00 68 69");                   // PUBLISH to "n/a": nobody
            c.expectHex("40 03 00 03 10");                                      // PUBACK 0x10 no subscribers
            c.sendHex("a2 06 00 04 00 00 01 78");                               // UNSUBSCRIBE 4 "x"
            c.expectHex("b0 04 00 04 00 11");                                   // UNSUBACK 0x11 none existed
            c.sendHex("e0 02 00 00");                                           // DISCONNECT 0x00
            c.awaitClosed();
        }
    }
}
