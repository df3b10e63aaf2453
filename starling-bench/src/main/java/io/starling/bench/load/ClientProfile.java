package io.starling.bench.load;

import io.starling.codec.MqttVersion;

/** What every client of a run sends in CONNECT. */
record ClientProfile(MqttVersion version, int keepAliveSeconds, boolean cleanStart, long sessionExpirySeconds,
        String username, byte[] password) {
}
