package io.starling.cluster.control;

import io.starling.api.Message;
import io.starling.api.MessageProperties;
import io.starling.api.QoS;
import io.starling.api.UserProperty;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * How values cross between nodes: strings that may be null and may be longer than {@code writeUTF} takes, byte
 * arrays and whole messages. One format for the control channel and the data plane.
 */
public final class Wire {
    /** More than any value a node sends: a corrupt or hostile length is refused before anything is allocated. */
    private static final int MAX_LENGTH = 256 << 20;

    private Wire() {
    }

    public static void writeString(DataOutput out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        writeBytes(out, s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public static String readString(DataInput in) throws IOException {
        byte[] b = readBytes(in);
        return b == null ? null : new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }

    public static void writeBytes(DataOutput out, byte[] b) throws IOException {
        if (b == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(b.length);
        out.write(b);
    }

    public static byte[] readBytes(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        if (n > MAX_LENGTH) {
            throw new IOException("a value of " + n + " bytes is longer than any node sends");
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return b;
    }

    public static void writeStrings(DataOutput out, List<String> strings) throws IOException {
        out.writeInt(strings.size());
        for (String s : strings) {
            writeString(out, s);
        }
    }

    public static List<String> readStrings(DataInput in) throws IOException {
        int n = count(in);
        List<String> strings = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            strings.add(readString(in));
        }
        return strings;
    }

    /** A list's length, checked. */
    public static int count(DataInput in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_LENGTH) {
            throw new IOException("a list of " + n + " entries is not one a node sends");
        }
        return n;
    }

    public static void writeMessage(DataOutput out, Message m) throws IOException {
        writeString(out, m.topic());
        out.writeByte(m.qos().value());
        out.writeBoolean(m.retain());
        writeString(out, m.publisherId());
        out.writeLong(m.createdAtMillis());
        MessageProperties p = m.properties();
        boolean any = !p.isEmpty();
        out.writeBoolean(any);
        if (any) {
            out.writeInt(p.payloadFormatIndicator() == null ? -1 : p.payloadFormatIndicator());
            out.writeLong(p.messageExpirySeconds() == null ? -1 : p.messageExpirySeconds());
            writeString(out, p.contentType());
            writeString(out, p.responseTopic());
            writeBytes(out, p.correlationData());
            out.writeInt(p.userProperties().size());
            for (UserProperty u : p.userProperties()) {
                writeString(out, u.name());
                writeString(out, u.value());
            }
        }
        writeBytes(out, m.payload());
    }

    public static Message readMessage(DataInput in) throws IOException {
        String topic = readString(in);
        QoS qos = QoS.of(in.readByte());
        boolean retain = in.readBoolean();
        String publisher = readString(in);
        long created = in.readLong();
        MessageProperties properties = MessageProperties.NONE;
        if (in.readBoolean()) {
            int format = in.readInt();
            long expiry = in.readLong();
            String contentType = readString(in);
            String responseTopic = readString(in);
            byte[] correlation = readBytes(in);
            int n = count(in);
            List<UserProperty> user = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                user.add(new UserProperty(readString(in), readString(in)));
            }
            properties = new MessageProperties(format < 0 ? null : format, expiry < 0 ? null : expiry, contentType,
                    responseTopic, correlation, user);
        }
        byte[] payload = readBytes(in);
        if (topic == null || payload == null) {
            throw new IOException("a message without topic or payload");
        }
        return new Message(topic, payload, qos, retain, properties, publisher, created);
    }
}
