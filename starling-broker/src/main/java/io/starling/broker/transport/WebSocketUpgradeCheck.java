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
import io.starling.broker.config.WebSocketConfig;
import io.starling.broker.protocol.ClientAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the HTTP upgrade before the WebSocket handshake: the path, the MQTT subprotocol, the Origin allow-list,
 * and takes the client's address from the proxy's header when configured. A request that fails gets an HTTP error
 * that says why, a log line, and the connection closes; one that passes goes on to the handshake.
 */
final class WebSocketUpgradeCheck extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(WebSocketUpgradeCheck.class);
    /** The names MQTT over WebSocket uses: {@code mqtt} (3.1.1 and 5), {@code mqttv3.1} (3.1). */
    static final List<String> SUBPROTOCOLS = List.of("mqtt", "mqttv3.1", "mqttv3.1.1");

    private final String listenerId;
    private final WebSocketConfig config;

    WebSocketUpgradeCheck(String listenerId, WebSocketConfig config) {
        super(false);
        this.listenerId = listenerId;
        this.config = config;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!config.forwardedForHeader().isEmpty()) {
            forwardedAddress(ctx, request.headers().get(config.forwardedForHeader()));
        }
        String problem = problem(request);
        if (problem != null) {
            HttpResponseStatus status = problem.startsWith("path") ? HttpResponseStatus.NOT_FOUND
                    : problem.startsWith("origin") ? HttpResponseStatus.FORBIDDEN : HttpResponseStatus.BAD_REQUEST;
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

    /** The first address in the header is the client's; one that does not parse leaves the peer's. */
    private void forwardedAddress(ChannelHandlerContext ctx, String header) {
        if (header == null || header.isBlank()) {
            return;
        }
        String first = header.split(",")[0].trim();
        if (first.startsWith("[") && first.contains("]")) {
            first = first.substring(1, first.indexOf(']'));
        }
        // On the event loop, from what a client sent: a literal only, never a name lookup.
        InetAddress ip = NetUtil.createInetAddressFromIpAddressString(first);
        if (ip != null) {
            ClientAddress.set(ctx.channel(), new InetSocketAddress(ip, 0));
        } else {
            LOG.debug("listener {}: unusable {} '{}'", listenerId, config.forwardedForHeader(), header);
        }
    }
}
