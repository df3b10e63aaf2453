package io.starling.stomp.sockjs;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.starling.broker.config.StompConfig;
import io.starling.stomp.FrameSink;
import io.starling.stomp.StompConnection;
import io.starling.stomp.frame.FrameException;
import io.starling.stomp.frame.FrameLimits;
import io.starling.stomp.frame.FrameParser;
import io.starling.stomp.frame.FrameWriter;
import io.starling.stomp.frame.StompFrame;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SockJS session: a STOMP connection of the node whose transport is a series of receiving requests (or one
 * WebSocket) plus sends. Frames for the client wait in a bounded outbox while no request receives; a session with
 * no receiving request for {@code disconnect_delay} ends, and with it the STOMP connection. Everything but
 * {@link #send} runs on the session's event loop.
 */
final class SockJsSession implements FrameSink {
    private static final Logger LOG = LoggerFactory.getLogger(SockJsSession.class);
    static final String LISTENER = "stomp:sockjs";

    private final String id;
    private final EventLoop loop;
    private final StompConfig.SockJs config;
    private final InetSocketAddress remote;
    private final Consumer<SockJsSession> gone;
    private final StompConnection connection;
    private final FrameParser parser;
    private final ArrayDeque<String> outbox = new ArrayDeque<>();
    private final ByteBuf inbound = Unpooled.buffer();
    private long outboxBytes;
    /** Characters sent and not yet written to a receiver, counted on the sending thread: what isWritable sees. */
    private final AtomicLong queued = new AtomicLong();
    private volatile boolean unwritable;
    private boolean opened;
    private boolean closing;
    private boolean flushScheduled;
    private boolean reading = true;
    /** Set once the session is over: what every later receiving request gets. */
    private volatile String closeFrame;
    private Receiver receiver;
    private ScheduledFuture<?> disconnect;
    private ScheduledFuture<?> heartbeat;
    private ScheduledFuture<?> stompSend;
    private ScheduledFuture<?> stompSilence;
    private long lastIn = System.nanoTime();
    private long lastOut = System.nanoTime();

    SockJsSession(String id, EventLoop loop, StompConfig.SockJs config, FrameLimits limits, InetSocketAddress remote,
            Function<FrameSink, StompConnection> connections, Consumer<SockJsSession> gone) {
        this.id = id;
        this.loop = loop;
        this.config = config;
        this.remote = remote;
        this.gone = gone;
        this.parser = new FrameParser(limits);
        this.connection = connections.apply(this);
        armDisconnect();
    }

    String id() {
        return id;
    }

    boolean ended() {
        return closeFrame != null;
    }

    // ---- receiving requests (on the loop) ----

    /** A receiving request arrived: it takes what waits, or hears why it cannot. */
    void attach(Receiver r) {
        if (closeFrame != null) {
            r.write(closeFrame);
            r.finish();
            return;
        }
        if (!r.alive()) {
            return; // the client gave up on the request before the session saw it
        }
        if (receiver != null && !receiver.alive()) {
            detached(receiver);
        }
        if (receiver != null) {
            r.write(SockJsFrames.STILL_OPEN);
            r.finish();
            return;
        }
        receiver = r;
        cancel(disconnect);
        if (!opened) {
            opened = true;
            long every = config.heartbeat().toMillis();
            heartbeat = loop.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
            connection.opened();
            if (!r.write(SockJsFrames.OPEN)) {
                release();
                return;
            }
        }
        flush();
    }

    /** The request's connection closed (the client went away or the response ended). */
    void detached(Receiver r) {
        if (receiver == r) {
            receiver = null;
            armDisconnect();
        }
    }

    private void release() {
        Receiver r = receiver;
        receiver = null;
        r.finish();
        armDisconnect();
    }

    private void heartbeat() {
        if (receiver != null && !receiver.write(SockJsFrames.HEARTBEAT)) {
            release();
        }
    }

    private void armDisconnect() {
        cancel(disconnect);
        disconnect = loop.schedule(() -> {
            if (receiver != null) {
                return;
            }
            if (closeFrame == null) {
                LOG.info("{} session {} from {}: no receiving request for {} ms: closed", LISTENER, id, remote,
                        config.disconnectDelay().toMillis());
                end(SockJsFrames.GO_AWAY);
            }
            gone.accept(this);
        }, config.disconnectDelay().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void flush() {
        flushScheduled = false;
        if (receiver == null || closeFrame != null) {
            return;
        }
        if (!receiver.alive()) {
            detached(receiver); // its close is on the way: the frames wait for the next request
            return;
        }
        if (!outbox.isEmpty()) {
            String frame = SockJsFrames.messages(outbox);
            outbox.clear();
            long left = queued.addAndGet(-outboxBytes);
            outboxBytes = 0;
            boolean more = receiver.write(frame);
            if (unwritable && left <= config.maxBufferedBytes() / 2) {
                unwritable = false;
                connection.writable();
            }
            if (!more) {
                release();
                return;
            }
        }
        if (closing) {
            end(SockJsFrames.GO_AWAY);
        }
    }

    /** The session is over: the receiving request (if any) gets the close frame, and the STOMP connection ends. */
    private void end(String frame) {
        closeFrame = frame;
        cancel(heartbeat);
        cancel(stompSend);
        cancel(stompSilence);
        outbox.clear();
        inbound.release();
        if (receiver != null) {
            Receiver r = receiver;
            receiver = null;
            r.write(frame);
            r.finish();
        }
        connection.closed();
        armDisconnect(); // later requests hear the close frame for a while, then the session is forgotten
    }

    /** The server stops: the session ends now. */
    void shutdown() {
        if (closeFrame == null) {
            end(SockJsFrames.GO_AWAY);
        }
    }

    // ---- input (on the loop) ----

    /** Messages from the client: STOMP text, split anywhere. */
    void received(List<String> messages) {
        if (closeFrame != null) {
            return;
        }
        lastIn = System.nanoTime();
        for (String m : messages) {
            inbound.writeBytes(m.getBytes(StandardCharsets.UTF_8));
        }
        parse();
    }

    private void parse() {
        try {
            StompFrame frame;
            while (reading && closeFrame == null && (frame = parser.next(inbound)) != null) {
                connection.received(frame);
            }
        } catch (FrameException e) {
            inbound.clear();
            connection.malformed(e.getMessage());
            return;
        }
        if (closeFrame != null) {
            return;
        }
        inbound.discardReadBytes();
        if (inbound.readableBytes() > config.maxBufferedBytes()) {
            LOG.warn("{} session {} from {}: {} bytes of input wait for the node: closed", LISTENER, id, remote,
                    inbound.readableBytes());
            end(SockJsFrames.close(3001, "Too much input waiting"));
        }
    }

    // ---- FrameSink ----

    @Override
    public void send(StompFrame frame) {
        ByteBuf buf = Unpooled.buffer(FrameWriter.estimate(frame));
        FrameWriter.write(frame, buf);
        String text = buf.toString(StandardCharsets.UTF_8);
        buf.release();
        account(text);
        if (loop.inEventLoop()) {
            offer(text);
        } else {
            loop.execute(() -> offer(text));
        }
    }

    /**
     * Counts a frame when it is sent, before it reaches the loop: past half the bound the node's session holds
     * further deliveries in its own bounded queue (a burst from another thread cannot overshoot unseen).
     */
    private void account(String text) {
        if (queued.addAndGet(text.length()) > config.maxBufferedBytes() / 2) {
            unwritable = true;
        }
    }

    private void offer(String text) {
        if (closeFrame != null) {
            return;
        }
        lastOut = System.nanoTime();
        outbox.add(text);
        outboxBytes += text.length();
        // What still piles up past the bound (receipts, a client that sends without receiving) ends the session.
        // One frame alone may be larger: it is what the node has to send.
        if (queued.get() > config.maxBufferedBytes() && outbox.size() > 1) {
            LOG.warn("{} session {} from {}: {} bytes wait for a client that does not receive them: closed",
                    LISTENER, id, remote, queued.get());
            end(SockJsFrames.close(3001, "Too much output waiting"));
            return;
        }
        scheduleFlush();
    }

    private void scheduleFlush() {
        if (!flushScheduled && receiver != null) {
            flushScheduled = true;
            loop.execute(this::flush); // one a[...] for what this turn of the loop produced
        }
    }

    @Override
    public void closeAfterFlush() {
        closing = true;
        scheduleFlush();
    }

    @Override
    public void heartbeats(long sendMillis, long silenceMillis) {
        if (sendMillis > 0) {
            stompSend = loop.scheduleAtFixedRate(() -> {
                if (System.nanoTime() - lastOut >= TimeUnit.MILLISECONDS.toNanos(sendMillis)) {
                    account("\n");
                    offer("\n");
                }
            }, sendMillis, sendMillis, TimeUnit.MILLISECONDS);
        }
        if (silenceMillis > 0) {
            long check = Math.max(1, silenceMillis / 4);
            stompSilence = loop.scheduleAtFixedRate(() -> {
                if (System.nanoTime() - lastIn > TimeUnit.MILLISECONDS.toNanos(silenceMillis)) {
                    cancel(stompSilence);
                    connection.silent();
                }
            }, check, check, TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void autoRead(boolean on) {
        reading = on;
        if (on && closeFrame == null) {
            loop.execute(this::parse);
        }
    }

    @Override
    public void schedule(Runnable task, long delayMillis) {
        loop.schedule(task, delayMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public boolean inEventLoop() {
        return loop.inEventLoop();
    }

    @Override
    public void execute(Runnable task) {
        loop.execute(task);
    }

    @Override
    public boolean isWritable() {
        return !unwritable;
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public String listener() {
        return LISTENER;
    }

    @Override
    public String protocol() {
        return "STOMP/SockJS";
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }
}
