package io.starling.broker.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MQTT over WebSocket: the payloads of binary frames (and their continuations) become the byte stream the MQTT
 * decoder reads, so a packet may span frames and a frame may hold several packets; what the node writes goes out
 * as binary frames. A text frame is a protocol error [MQTT-6.0.0-1]: the connection closes with 1003.
 */
final class WebSocketFrameCodec extends MessageToMessageCodec<WebSocketFrame, ByteBuf> {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketFrameCodec.class);

    private final String listenerId;

    WebSocketFrameCodec(String listenerId) {
        this.listenerId = listenerId;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, ByteBuf bytes, List<Object> out) {
        out.add(new BinaryWebSocketFrame(bytes.retain()));
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
        if (frame instanceof BinaryWebSocketFrame || frame instanceof ContinuationWebSocketFrame) {
            out.add(frame.content().retain());
            return;
        }
        LOG.info("listener {} {}: {} on an MQTT WebSocket, which carries binary frames only; closing connection",
                listenerId, ctx.channel().remoteAddress(), frame.getClass().getSimpleName());
        ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_MESSAGE_TYPE))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
