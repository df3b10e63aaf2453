package io.starling.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/** Writes MQTT data types. */
final class Wire {

    private Wire() {
    }

    static int varIntSize(int value) {
        if (value < 128) {
            return 1;
        }
        if (value < 16_384) {
            return 2;
        }
        if (value < 2_097_152) {
            return 3;
        }
        return 4;
    }

    static void writeVarInt(ByteBuf out, int value) {
        do {
            int b = value & 0x7F;
            value >>>= 7;
            out.writeByte(value > 0 ? b | 0x80 : b);
        } while (value > 0);
    }

    static int stringSize(String s) {
        return 2 + ByteBufUtil.utf8Bytes(s);
    }

    static void writeString(ByteBuf out, String s) {
        int lengthIndex = out.writerIndex();
        out.writeShort(0);
        int written = ByteBufUtil.writeUtf8(out, s);
        out.setShort(lengthIndex, written);
    }
}
