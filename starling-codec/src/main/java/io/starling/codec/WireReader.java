package io.starling.codec;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** Reads MQTT data types from a packet body, refusing anything the specification calls malformed. */
final class WireReader {

    private WireReader() {
    }

    static int readByte(ByteBuf buf, String what) {
        need(buf, 1, what);
        return buf.readUnsignedByte();
    }

    static int readShort(ByteBuf buf, String what) {
        need(buf, 2, what);
        return buf.readUnsignedShort();
    }

    static long readInt(ByteBuf buf, String what) {
        need(buf, 4, what);
        return buf.readUnsignedInt();
    }

    /** A variable byte integer: at most four bytes, values up to 268,435,455. */
    static int readVarInt(ByteBuf buf, String what) {
        int value = 0;
        for (int i = 0; i < 4; i++) {
            need(buf, 1, what);
            int b = buf.readUnsignedByte();
            value |= (b & 0x7F) << (7 * i);
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        throw MqttDecodeException.malformed(what + ": variable byte integer longer than 4 bytes");
    }

    static byte[] readBinary(ByteBuf buf, String what) {
        int length = readShort(buf, what);
        need(buf, length, what);
        byte[] bytes = new byte[length];
        buf.readBytes(bytes);
        return bytes;
    }

    /**
     * A UTF-8 string as MQTT defines it: well-formed UTF-8, no encoded surrogates, no U+0000. Pure ASCII, the
     * common case, is decoded without a CharsetDecoder.
     */
    static String readString(ByteBuf buf, String what) {
        return readString(buf, what, null);
    }

    /** As {@link #readString(ByteBuf, String)}, returning {@code known} when the bytes spell it in ASCII. */
    static String readString(ByteBuf buf, String what, String known) {
        int length = readShort(buf, what);
        need(buf, length, what);
        int start = buf.readerIndex();
        if (known != null && spells(buf, start, length, known)) {
            buf.skipBytes(length);
            return known;
        }
        boolean ascii = true;
        for (int i = start; i < start + length; i++) {
            byte b = buf.getByte(i);
            if (b == 0) {
                throw MqttDecodeException.malformed(what + ": contains U+0000");
            }
            if (b < 0) {
                ascii = false;
            }
        }
        String value;
        if (ascii) {
            value = buf.toString(start, length, StandardCharsets.US_ASCII);
        } else {
            value = strictUtf8(buf.nioBuffer(start, length), what);
        }
        buf.skipBytes(length);
        return value;
    }

    /** True when the bytes are {@code s} in ASCII; a byte over 0x7F never equals a char, so no other text does. */
    private static boolean spells(ByteBuf buf, int start, int length, String s) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (buf.getByte(start + i) != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String strictUtf8(ByteBuffer bytes, String what) {
        // The JDK decoder rejects overlong forms and encoded surrogates (ED A0..BF xx) when told to REPORT.
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            CharBuffer chars = decoder.decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw MqttDecodeException.malformed(what + ": not well-formed UTF-8");
        }
    }

    static void need(ByteBuf buf, int bytes, String what) {
        if (buf.readableBytes() < bytes) {
            throw MqttDecodeException.malformed(what + ": packet ends early");
        }
    }
}
