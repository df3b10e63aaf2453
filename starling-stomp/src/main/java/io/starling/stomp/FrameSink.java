package io.starling.stomp;

import io.starling.stomp.frame.StompFrame;
import java.net.InetSocketAddress;

/**
 * Where a STOMP connection's frames go, and what it needs of the transport under it: a TCP connection today, a
 * SockJS session later. The protocol ({@link StompConnection}) knows nothing of sockets.
 */
public interface FrameSink {
    /** Sends a frame whose headers are already escaped for the connection's version; from any thread. */
    void send(StompFrame frame);

    /** Sends what is written, then closes. */
    void closeAfterFlush();

    /**
     * Heart-beats are negotiated: send one after {@code sendMillis} without output, and report silence after
     * {@code silenceMillis} without input ({@link StompConnection#silent()}); 0 turns either off.
     */
    void heartbeats(long sendMillis, long silenceMillis);

    /** Stops or resumes reading input while frames wait for an earlier one to be done. */
    void autoRead(boolean on);

    /** Runs the task on the connection's thread after a delay (the CONNECT timeout). */
    void schedule(Runnable task, long delayMillis);

    boolean inEventLoop();

    void execute(Runnable task);

    boolean isWritable();

    /** Null when unknown. */
    InetSocketAddress remoteAddress();

    /** The listener's name in listings and logs, such as {@code stomp:tcp}. */
    String listener();

    /** The protocol the node's client listings show, such as {@code STOMP} or {@code STOMP/SockJS}. */
    default String protocol() {
        return "STOMP";
    }
}
