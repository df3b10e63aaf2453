package io.starling.stomp.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.starling.stomp.FrameSink;
import io.starling.stomp.StompConnection;
import io.starling.stomp.frame.FrameException;
import io.starling.stomp.frame.FrameParser;
import io.starling.stomp.frame.FrameWriter;
import io.starling.stomp.frame.StompFrame;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A STOMP connection over TCP (or TLS): bytes to frames for the {@link StompConnection}, frames back to bytes, and
 * heart-beats as idle timers. Writes made during a read batch are flushed once at its end; writes from other threads
 * (deliveries) are flushed by a task that runs after the batch that made them.
 */
final class StompChannelHandler extends ByteToMessageDecoder implements FrameSink {
    private static final Logger LOG = LoggerFactory.getLogger(StompChannelHandler.class);
    private static final ByteBuf HEARTBEAT = Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(new byte[] {'\n'}));

    private final FrameParser parser;
    private final String listener;
    private final Function<FrameSink, StompConnection> connections;
    private StompConnection connection;
    private ChannelHandlerContext ctx;
    private boolean failed;
    /** What the connection asks for; reading also waits while the socket's outbound buffer is full. */
    private volatile boolean readWanted = true;
    private boolean inRead;
    private boolean flushPending;
    private boolean flushScheduled;

    StompChannelHandler(FrameParser parser, String listener, Function<FrameSink, StompConnection> connections) {
        this.parser = parser;
        this.listener = listener;
        this.connections = connections;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        this.ctx = context;
        this.connection = connections.apply(this);
    }

    @Override
    public void channelActive(ChannelHandlerContext context) throws Exception {
        connection.opened();
        super.channelActive(context);
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) throws Exception {
        failed = true;
        connection.closed();
        super.channelInactive(context);
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object msg) throws Exception {
        inRead = true;
        super.channelRead(context, msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext context) throws Exception {
        inRead = false;
        if (flushPending) {
            flushPending = false;
            context.flush();
        }
        super.channelReadComplete(context);
    }

    @Override
    protected void decode(ChannelHandlerContext context, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        try {
            StompFrame frame;
            while (!failed && connection.takesFrames() && (frame = parser.next(in)) != null) {
                connection.received(frame);
            }
        } catch (FrameException e) {
            failed = true;
            in.skipBytes(in.readableBytes());
            connection.malformed(e.getMessage());
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext context, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle) {
            if (idle.state() == IdleState.READER_IDLE) {
                connection.silent();
            } else if (idle.state() == IdleState.WRITER_IDLE && !failed) {
                context.writeAndFlush(HEARTBEAT.duplicate(), context.voidPromise());
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

    /**
     * Reads while the connection wants frames and the client reads what it is sent: a client that sends frames
     * asking for answers (receipts) and never reads them is not read either, so the answers cannot pile up.
     */
    private void applyAutoRead() {
        ctx.channel().config().setAutoRead(readWanted && ctx.channel().isWritable());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
        LOG.debug("{} {}: {}", listener, context.channel().remoteAddress(), cause.toString());
        context.close();
    }

    // ---- FrameSink ----

    @Override
    public void send(StompFrame frame) {
        ByteBuf buf = ctx.alloc().buffer(FrameWriter.estimate(frame));
        FrameWriter.write(frame, buf);
        if (ctx.executor().inEventLoop()) {
            write(buf);
        } else {
            ctx.executor().execute(() -> write(buf));
        }
    }

    private void write(ByteBuf buf) {
        ctx.write(buf, ctx.voidPromise());
        if (inRead) {
            flushPending = true;
        } else if (!flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(() -> {
                flushScheduled = false;
                ctx.flush();
            });
        }
    }

    @Override
    public void closeAfterFlush() {
        failed = true;
        ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
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
            // Frames left unparsed while the connection was full: read them now, without waiting for more bytes.
            ctx.executor().execute(this::decodeLeftOver);
        }
    }

    private void decodeLeftOver() {
        if (failed || !ctx.channel().isActive()) {
            return;
        }
        try {
            channelRead(ctx, Unpooled.EMPTY_BUFFER);
            channelReadComplete(ctx);
        } catch (Exception e) {
            exceptionCaught(ctx, e);
        }
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
        return listener;
    }
}
