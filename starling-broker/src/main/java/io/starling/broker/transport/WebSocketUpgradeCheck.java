package io.starling.broker.transport;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.NetUtil;
import io.starling.broker.config.AccessRules;
import io.starling.broker.config.ListenerConfig;
import io.starling.broker.config.TrustedProxies;
import io.starling.broker.config.WebSocketConfig;
import io.starling.broker.protocol.ClientAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the HTTP upgrade before the WebSocket handshake: the path, the MQTT subprotocol, the Origin allow-list,
 * and, when configured and the peer is a trusted proxy, takes the client's address from the proxy's header and
 * checks it against the listener's access rules. A request that fails gets an HTTP error that says why, a log
 * line, and the connection closes; one that passes goes on to the handshake.
 */
final class WebSocketUpgradeCheck extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketUpgradeCheck.class);
    /** The names MQTT over WebSocket uses: {@code mqtt} (3.1.1 and 5), {@code mqttv3.1} (3.1). */
    static final List<String> SUBPROTOCOLS = List.of("mqtt", "mqttv3.1", "mqttv3.1.1");

    private final String listenerId;
    private final WebSocketConfig config;
    private final TrustedProxies trusted;
    private final AccessRules access;

    WebSocketUpgradeCheck(ListenerConfig listener) {
        super(false);
        this.listenerId = listener.id();
        this.config = listener.webSocket();
        this.trusted = listener.trustedProxies();
        this.access = listener.access();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        String problem = null;
        if (!config.forwardedForHeader().isEmpty()) {
            InetSocketAddress client = forwardedAddress(ctx, request);
            if (client != null && !access.allows(client)) {
                problem = "client address " + ClientAddress.describe(client) + ": connection refused by the access"
                        + " rules " + access;
            }
        }
        if (problem == null) {
            problem = problem(request);
        }
        if (problem != null) {
            HttpResponseStatus status = problem.startsWith("path") ? HttpResponseStatus.NOT_FOUND
                    : problem.startsWith("origin") || problem.startsWith("client address")
                            ? HttpResponseStatus.FORBIDDEN : HttpResponseStatus.BAD_REQUEST;
            LOG.info("listener {} {}: WebSocket upgrade refused ({}): {}", listenerId,
                    ClientAddress.describe(ClientAddress.of(ctx.channel())), status.code(), problem);
            request.release();
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(problem + "\n", StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            HttpUtil.setContentLength(response, response.content().readableBytes());
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        // Checked once: what follows on this connection is WebSocket frames.
        ctx.pipeline().remove(this);
        ctx.fireChannelRead(request);
    }

    private String problem(FullHttpRequest request) {
        String path = new QueryStringDecoder(request.uri()).path();
        if (!path.equals(config.path())) {
            return "path " + path + " is not the MQTT endpoint " + config.path();
        }
        if (!"websocket".equalsIgnoreCase(request.headers().get(HttpHeaderNames.UPGRADE))) {
            return "not a WebSocket upgrade (no 'Upgrade: websocket' header)";
        }
        if (!config.allowedOrigins().isEmpty()) {
            String origin = request.headers().get(HttpHeaderNames.ORIGIN);
            if (origin == null || !config.allowedOrigins().contains(origin)) {
                return "origin " + (origin == null ? "(none)" : "'" + origin + "'") + " is not allowed";
            }
        }
        if (config.requireSubprotocol()) {
            String offered = request.headers().get(HttpHeaderNames.SEC_WEBSOCKET_PROTOCOL);
            if (offered == null || !offersMqtt(offered)) {
                return "the MQTT subprotocol is required (Sec-WebSocket-Protocol: mqtt), offered: "
                        + (offered == null ? "none" : "'" + offered + "'");
            }
        }
        return null;
    }

    private static boolean offersMqtt(String offered) {
        for (String p : offered.split(",")) {
            if (SUBPROTOCOLS.contains(p.trim().toLowerCase(Locale.ROOT))) {
                return true;
            }
        }
        return false;
    }

    /**
     * The client's address from the forwarded-for header, recorded for the connection; null when the peer is not a
     * trusted proxy or sent none. Each proxy appends the peer it saw, and the client may write what it likes in
     * front: the right-most address that no trusted proxy wrote is the client's (the left-most when every hop is
     * trusted). One that is not an IP comes back unresolved and leaves the peer's address in place.
     */
    private InetSocketAddress forwardedAddress(ChannelHandlerContext ctx, FullHttpRequest request) {
        List<String> headers = request.headers().getAll(config.forwardedForHeader());
        if (headers.isEmpty()) {
            return null;
        }
        InetSocketAddress peer = ClientAddress.of(ctx.channel());
        if (!trusted.trusts(peer)) {
            LOG.debug("listener {} {}: {} ignored: the peer is not in trusted_proxies {}", listenerId,
                    ClientAddress.describe(peer), config.forwardedForHeader(), trusted);
            return null;
        }
        List<String> hops = new ArrayList<>();
        for (String header : headers) {
            for (String hop : header.split(",")) {
                if (!hop.isBlank()) {
                    hops.add(hop.trim());
                }
            }
        }
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress ip = ip(hops.get(i));
            if (ip == null) {
                LOG.debug("listener {}: unusable {} '{}'", listenerId, config.forwardedForHeader(), hops.get(i));
                return InetSocketAddress.createUnresolved(hops.get(i), 0);
            }
            if (i == 0 || !trusted.trusts(ip)) {
                InetSocketAddress client = new InetSocketAddress(ip, 0);
                ClientAddress.set(ctx.channel(), client);
                return client;
            }
        }
        return null;
    }

    /** An address, bare or with a port ({@code [::1]:80}, {@code 10.0.0.1:80}); null when it is not an IP. */
    private static InetAddress ip(String hop) {
        String literal = hop;
        if (literal.startsWith("[") && literal.contains("]")) {
            literal = literal.substring(1, literal.indexOf(']'));
        } else if (literal.indexOf(':') > 0 && literal.indexOf(':') == literal.lastIndexOf(':')) {
            literal = literal.substring(0, literal.indexOf(':'));
        }
        // On the event loop, from what a client sent: a literal only, never a name lookup.
        return NetUtil.createInetAddressFromIpAddressString(literal);
    }
}
