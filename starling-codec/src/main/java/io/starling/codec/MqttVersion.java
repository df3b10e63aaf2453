package io.starling.codec;

/** Protocol versions by their CONNECT protocol level. */
public enum MqttVersion {
    MQTT_3_1(3, "MQIsdp"), MQTT_3_1_1(4, "MQTT"), MQTT_5(5, "MQTT");

    private final int level;
    private final String protocolName;

    MqttVersion(int level, String protocolName) {
        this.level = level;
        this.protocolName = protocolName;
    }

    private static final MqttVersion[] ALL = values();

    public int level() {
        return level;
    }

    public String protocolName() {
        return protocolName;
    }

    public boolean isV5() {
        return this == MQTT_5;
    }

    /** The version for a protocol name and level, or null when the pair is not one MQTT defines. */
    public static MqttVersion of(String protocolName, int level) {
        for (MqttVersion v : ALL) {
            if (v.level == level && v.protocolName.equals(protocolName)) {
                return v;
            }
        }
        return null;
    }
}
