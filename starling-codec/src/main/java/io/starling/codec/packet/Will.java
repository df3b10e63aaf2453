package io.starling.codec.packet;

import io.starling.codec.MqttProperties;

/** The will message carried in CONNECT. */
public record Will(String topic, byte[] payload, int qos, boolean retain, MqttProperties properties) {
}
