package io.starling.cluster.data;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.concurrent.ScheduledFuture;
import io.starling.broker.config.ClusterConfig;
import io.starling.broker.routing.Congestion;
import io.starling.broker.routing.Destination;
import io.starling.cluster.membership.CookieToken;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection from another node: a HELLO that proves the cookie, then forwarded messages, each delivered to this
 * node's subscribers and, when the sender asks, confirmed once stored. When a local subscriber falls behind, the
 * link stops reading (frames already read wait here, a read's worth at most) until it drains, so that TCP holds the
 * sending node back and its publishers pause instead of the subscriber's queue overflowing.
 */
final class InboundLink extends SimpleChannelInboundHandler<ByteBuf> implements Congestion {
    private static final Logger LOG = LoggerFactory.getLogger(InboundLink.class);
    /** Longest a link stays paused for one subscriber that does not drain, as for a local publisher. */
    private static final long MAX_PAUSE_MILLIS = 1_000;

    private final ClusterConfig config;
    private final DataPlane.Inbound inbound;
    private final Predicate<String> isMember;
    private final Map<String, PeerStats> stats;
    private final ArrayDeque<ByteBuf> backlog = new ArrayDeque<>();
    private String from;
    private PeerStats fromStats;
    private boolean unflushed;
    private ChannelHandlerContext context;
    private boolean paused;
    private ScheduledFuture<?> pauseCap;

    InboundLink(ClusterConfig config, DataPlane.Inbound inbound, Predicate<String> isMember,
            Map<String, PeerStats> stats) {
        super(false);
        this.config = config;
        this.inbound = inbound;
        this.isMember = isMember;
        this.stats = stats;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.context = ctx;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        if (paused || !backlog.isEmpty()) {
            backlog.add(frame);
            return;
        }
        handle(frame);
    }

    private void handle(ByteBuf frame) {
        try {
            int type = DataFrames.type(frame);
            if (from == null) {
                if (type != DataFrames.HELLO) {
                    refuse("it sent a frame before HELLO");
                    return;
                }
                hello(DataFrames.readHello(frame));
                return;
            }
            if (type == DataFrames.FORWARD) {
                forward(DataFrames.readForward(frame));
            }
        } catch (IOException e) {
            refuse(e.getMessage());
        } finally {
            frame.release();
        }
    }

    private void hello(DataFrames.Hello h) {
        byte[] expected = CookieToken.proof(config.cookie(),
                PeerLink.proofText(config.name(), h.node(), h.nonce() == null ? new byte[0] : h.nonce()));
        if (!config.name().equals(h.cluster()) || h.proof() == null || !MessageDigest.isEqual(expected, h.proof())) {
            refuse("it did not prove the cluster's cookie (another cluster, or a wrong cookie)");
            return;
        }
        if (!isMember.test(h.node())) {
            refuse("node " + h.node() + " is not a member of the cluster");
            return;
        }
        from = h.node();
        fromStats = stats.computeIfAbsent(from, n -> new PeerStats());
    }

    private void forward(DataFrames.Forward f) {
        fromStats.received.increment();
        CompletionStage<Void> stored = inbound.forwarded(from, f.message(), f.group(), f.groupFilter(), this);
        if (!f.wantsConfirm()) {
            return;
        }
        Channel ch = context.channel();
        if (stored == null) {
            ch.write(DataFrames.confirm(ch.alloc(), f.seq(), true), ch.voidPromise());
            unflushed = true;
        } else {
            stored.whenComplete((v, failure) -> ch.writeAndFlush(DataFrames.confirm(ch.alloc(), f.seq(),
                    failure == null), ch.voidPromise()));
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushConfirms();
    }

    private void flushConfirms() {
        if (unflushed) {
            unflushed = false;
            context.flush();
        }
    }

    @Override
    public void congested(Destination destination) {
        if (paused) {
            return;
        }
        paused = true;
        context.channel().config().setAutoRead(false);
        pauseCap = context.executor().schedule(this::resume, MAX_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
        destination.whenDrained(() -> context.executor().execute(this::resume));
    }

    /** Delivers what waited, until a subscriber is behind again or nothing waits; then reads again. */
    private void resume() {
        if (!paused) {
            return;
        }
        paused = false;
        pauseCap.cancel(false);
        ByteBuf frame;
        while (!paused && (frame = backlog.poll()) != null) {
            handle(frame);
        }
        flushConfirms();
        if (!paused) {
            context.channel().config().setAutoRead(true);
        }
    }

    private void refuse(String why) {
        LOG.warn("closed a data-plane connection from {}: {}", context.channel().remoteAddress(), why);
        context.close();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        ByteBuf frame;
        while ((frame = backlog.poll()) != null) {
            frame.release();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.warn("data-plane connection from {} failed: {}", from != null ? from : ctx.channel().remoteAddress(),
                cause.toString());
        ctx.close();
    }
}
