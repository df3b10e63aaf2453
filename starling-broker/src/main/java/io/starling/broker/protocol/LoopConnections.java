package io.starling.broker.protocol;

import java.util.Arrays;

/**
 * The open connections of one event loop, in an array so that an idle connection costs one slot here instead
 * of a scheduled task: a periodic sweep enforces the CONNECT deadline and keep-alive for all of them. Used on
 * that loop only.
 */
final class LoopConnections {
    private MqttConnection[] items = new MqttConnection[64];
    private int size;

    void add(MqttConnection connection) {
        if (size == items.length) {
            items = Arrays.copyOf(items, size * 2);
        }
        connection.slot = size;
        items[size++] = connection;
    }

    void remove(MqttConnection connection) {
        int i = connection.slot;
        if (i < 0) {
            return;
        }
        MqttConnection last = items[--size];
        items[i] = last;
        last.slot = i;
        items[size] = null;
        connection.slot = -1;
        if (items.length > 64 && size < items.length / 4) {
            items = Arrays.copyOf(items, items.length / 2);
        }
    }

    /** Checks every connection's read deadline; a connection closed here leaves only after this loop. */
    void sweep(long nowNanos) {
        // Backwards: a removal moves the last entry, which was already checked, into the freed slot.
        for (int i = size - 1; i >= 0; i--) {
            items[i].checkReadDeadline(nowNanos);
        }
    }

    MqttConnection[] snapshot() {
        return Arrays.copyOf(items, size);
    }
}
