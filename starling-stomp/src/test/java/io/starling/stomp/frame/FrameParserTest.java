package io.starling.stomp.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The parser on bytes that arrive in pieces, as a slow or hostile client sends them. */
class FrameParserTest {
    private static final FrameLimits LIMITS = new FrameLimits(4096, 8, 256);

    @Test
    void framesTrickledAByteAtATimeComeOutWholeAndOnce() {
        String wire = "\nSEND\ndestination:/topic/a\nx-colon:a:b\ncontent-length:3\n\nabc\0\r\n"
                + "SEND\ndestination:/topic/b\n\nhello\0";
        FrameParser parser = new FrameParser(LIMITS);
        ByteBuf in = Unpooled.buffer();
        List<StompFrame> frames = new ArrayList<>();
        for (byte b : wire.getBytes(StandardCharsets.UTF_8)) {
            in.writeByte(b);
            StompFrame f;
            while ((f = parser.next(in)) != null) {
                frames.add(f);
            }
        }
        assertThat(frames).hasSize(2);
        assertThat(frames.get(0).header("x-colon")).isEqualTo("a:b");
        assertThat(new String(frames.get(0).body(), StandardCharsets.UTF_8)).isEqualTo("abc");
        assertThat(frames.get(1).header("destination")).isEqualTo("/topic/b");
        assertThat(new String(frames.get(1).body(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(parser.heartbeats()).isEqualTo(2);
    }

    /** Each whole header line is taken when it comes: a header block trickled in is not read again at every read. */
    @Test
    void wholeHeaderLinesAreConsumedBeforeTheBlockEnds() {
        FrameParser parser = new FrameParser(LIMITS);
        ByteBuf in = Unpooled.copiedBuffer("SEND\ndestination:/topic/a\nx-one:1\nx-tw", StandardCharsets.UTF_8);
        assertThat(parser.next(in)).isNull();
        assertThat(in.toString(StandardCharsets.UTF_8)).isEqualTo("x-tw");
        in.writeBytes("o:2\n\n\0".getBytes(StandardCharsets.UTF_8));
        StompFrame f = parser.next(in);
        assertThat(f.headers()).containsKeys("destination", "x-one", "x-two");
    }

    @Test
    void limitsHoldAcrossPieces() {
        FrameParser parser = new FrameParser(LIMITS);
        ByteBuf in = Unpooled.buffer();
        in.writeBytes("SEND\n".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 8; i++) {
            in.writeBytes(("h" + i + ":v\n").getBytes(StandardCharsets.UTF_8));
            assertThat(parser.next(in)).isNull();
        }
        in.writeBytes("h8:v\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> parser.next(in)).isInstanceOf(FrameException.class)
                .hasMessageContaining("more than 8 headers");
    }
}
