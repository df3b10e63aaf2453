package io.starling.stomp.sockjs;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code websocket} transport of a SockJS session: the socket is the session's receiver, and each text message
 * from the client is a JSON array of messages (or one string). Broken JSON closes the socket.
 */
final class SessionWebSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
    private static final Logger LOG = LoggerFactory.getLogger(SessionWebSocketHandler.class);

    private final SockJsSession session;
    private WebSocketReceiver receiver;

    SessionWebSocketHandler(SockJsSession session) {
        this.session = session;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        receiver = new WebSocketReceiver(ctx.channel());
        WebSocketReceiver r = receiver;
        ctx.channel().closeFuture().addListener(f -> session.execute(() -> session.detached(r)));
        session.execute(() -> session.attach(r));
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            String body = text.text();
            if (body.isEmpty()) {
                return;
            }
            List<String> messages;
            try {
                messages = SockJsFrames.parse(body);
            } catch (IOException e) {
                LOG.info("{} session {} from {}: broken JSON on the WebSocket: closed", SockJsSession.LISTENER,
                        session.id(), ctx.channel().remoteAddress());
                ctx.close();
                return;
            }
            session.execute(() -> session.received(messages));
        } else if (frame instanceof PingWebSocketFrame) {
            ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame) {
            ctx.close();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{} {}: {}", SockJsSession.LISTENER, ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
