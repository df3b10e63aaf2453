package io.starling.api;

import java.util.Objects;

/** An MQTT 5 user property: a name/value pair that may repeat and whose order matters. */
public record UserProperty(String name, String value) {
    public UserProperty {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
    }
}
