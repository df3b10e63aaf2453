package io.starling.stomp.sockjs;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.ContinuationWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.starling.stomp.FrameSink;
import io.starling.stomp.StompConnection;
import io.starling.stomp.frame.FrameException;
import io.starling.stomp.frame.FrameLimits;
import io.starling.stomp.frame.FrameParser;
import io.starling.stomp.frame.FrameWriter;
import io.starling.stomp.frame.StompFrame;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * STOMP over the raw WebSocket ({@code <path>/websocket}): no SockJS framing, the messages carry STOMP bytes split
 * anywhere; each frame the node sends is one text message. Heart-beats are idle timers, as over TCP.
 */
final class RawWebSocketHandler extends SimpleChannelInboundHandler<WebSocketFrame> implements FrameSink {
    private static final Logger LOG = LoggerFactory.getLogger(RawWebSocketHandler.class);
    static final String LISTENER = "stomp:websocket";

    private final FrameParser parser;
    private final Function<FrameSink, StompConnection> connections;
    private final int maxBuffered;
    private StompConnection connection;
    private ChannelHandlerContext ctx;
    private ByteBuf inbound;
    private boolean failed;
    /** What the connection asks for; reading also waits while the socket's outbound buffer is full. */
    private volatile boolean readWanted = true;

    RawWebSocketHandler(FrameLimits limits, int maxBuffered, Function<FrameSink, StompConnection> connections) {
        this.parser = new FrameParser(limits);
        this.maxBuffered = maxBuffered;
        this.connections = connections;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        this.inbound = context.alloc().buffer();
        this.connection = connections.apply(this);
        connection.opened();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext context) {
        inbound.release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        failed = true;
        connection.closed();
        super.channelInactive(context);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext context, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame || frame instanceof BinaryWebSocketFrame
                || frame instanceof ContinuationWebSocketFrame) {
            if (failed) {
                return;
            }
            inbound.writeBytes(frame.content());
            decode();
        } else if (frame instanceof PingWebSocketFrame) {
            context.writeAndFlush(new PongWebSocketFrame(frame.content().retain()));
        } else if (frame instanceof CloseWebSocketFrame) {
            context.close();
        }
    }

    private void decode() {
        try {
            StompFrame frame;
            while (!failed && connection.takesFrames() && (frame = parser.next(inbound)) != null) {
                connection.received(frame);
            }
        } catch (FrameException e) {
            failed = true;
            inbound.clear();
            connection.malformed(e.getMessage());
            return;
        }
        inbound.discardReadBytes();
        if (inbound.readableBytes() > maxBuffered) {
            failed = true;
            LOG.warn("{} {}: {} bytes of input wait for the node: closed", LISTENER, remoteAddress(),
                    inbound.readableBytes());
            ctx.close();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.READER_IDLE) {
                connection.silent();
            } else if (idle.state() == IdleState.WRITER_IDLE && !failed) {
                context.writeAndFlush(new TextWebSocketFrame("\n"), context.voidPromise());
            }
            return;
        }
        super.userEventTriggered(context, evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext context) throws Exception {
        applyAutoRead();
        if (context.channel().isWritable()) {
            connection.writable();
        }
        super.channelWritabilityChanged(context);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        LOG.debug("{} {}: {}", LISTENER, context.channel().remoteAddress(), cause.toString());
        context.close();
    }

    // ---- FrameSink ----

    @Override
    public void send(StompFrame frame) {
        ByteBuf buf = ctx.alloc().buffer(FrameWriter.estimate(frame));
        FrameWriter.write(frame, buf);
        // A text message must be UTF-8; a body that is not goes as a binary message.
        WebSocketFrame message = ByteBufUtil.isText(buf, java.nio.charset.StandardCharsets.UTF_8)
                ? new TextWebSocketFrame(buf) : new BinaryWebSocketFrame(buf);
        ctx.writeAndFlush(message, ctx.voidPromise());
    }

    @Override
    public void closeAfterFlush() {
        failed = true;
        ctx.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void heartbeats(long sendMillis, long silenceMillis) {
        if (sendMillis > 0 || silenceMillis > 0) {
            ctx.pipeline().addBefore(ctx.name(), "heartbeats",
                    new IdleStateHandler(silenceMillis, sendMillis, 0, TimeUnit.MILLISECONDS));
        }
    }

    @Override
    public void autoRead(boolean on) {
        readWanted = on;
        applyAutoRead();
        if (on) {
            ctx.executor().execute(() -> {
                if (!failed) {
                    decode();
                }
            });
        }
    }

    /** As over TCP: a client that does not read what it is sent (receipts) is not read either. */
    private void applyAutoRead() {
        ctx.channel().config().setAutoRead(readWanted && ctx.channel().isWritable());
    }

    @Override
    public void schedule(Runnable task, long delayMillis) {
        ctx.executor().schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean inEventLoop() {
        return ctx.executor().inEventLoop();
    }

    @Override
    public void execute(Runnable task) {
        ctx.executor().execute(task);
    }

    @Override
    public boolean isWritable() {
        return ctx.channel().isWritable();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a : null;
    }

    @Override
    public String listener() {
        return LISTENER;
    }

    @Override
    public String protocol() {
        return "STOMP/WebSocket";
    }
}
