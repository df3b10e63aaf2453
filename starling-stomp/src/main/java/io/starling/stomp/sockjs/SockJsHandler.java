package io.starling.stomp.sockjs;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SockJS 0.3 URLs under the configured path: the greeting, {@code /info}, the raw {@code /websocket}, and the
 * session transports {@code /<server>/<session>/<transport>}. Receiving requests hand their channel to the session;
 * sends go to it as lists of messages.
 */
final class SockJsHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(SockJsHandler.class);
    /** What a streaming response carries before it ends and the client opens the next (as other servers do). */
    static final int STREAM_LIMIT = 128 * 1024;
    private static final Pattern CALLBACK = Pattern.compile("[A-Za-z0-9_.]{1,64}");
    private static final String HTMLFILE_HEAD = """
            <!doctype html>
            <html><head>
              <meta http-equiv="X-UA-Compatible" content="IE=edge" />
              <meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
            </head><body><h2>Don't panic!</h2>
              <script>
                document.domain = document.domain;
                var c = parent.%s;
                c.start();
                function p(d) {c.message(d);};
                window.onload = function() {c.stop();};
              </script>""";

    private final SockJsServer server;
    private final String path;

    SockJsHandler(SockJsServer server) {
        this.server = server;
        this.path = server.config().path();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (!req.decoderResult().isSuccess()) {
            HttpReplies.send(ctx, req, HttpResponseStatus.BAD_REQUEST, HttpReplies.PLAIN, "Bad request\n");
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String p = uri.path();
        if (!p.startsWith(path)) {
            notFound(ctx, req);
            return;
        }
        String rest = p.substring(path.length());
        HttpMethod m = req.method();
        switch (rest) {
            case "", "/" -> {
                if (m.equals(HttpMethod.GET)) {
                    HttpReplies.send(ctx, req, HttpResponseStatus.OK, HttpReplies.PLAIN, "Welcome to SockJS!\n");
                } else {
                    notFound(ctx, req);
                }
            }
            case "/info" -> info(ctx, req);
            case "/websocket" -> upgrade(ctx, req, "v12.stomp,v11.stomp,v10.stomp", () -> server.rawWebSocket(ctx.channel()));
            default -> session(ctx, req, uri, rest.substring(1).split("/", -1));
        }
    }

    private void info(ChannelHandlerContext ctx, FullHttpRequest req) {
        if (req.method().equals(HttpMethod.OPTIONS)) {
            HttpReplies.options(ctx, req, "OPTIONS, GET");
        } else if (req.method().equals(HttpMethod.GET)) {
            long entropy = ThreadLocalRandom.current().nextLong(1L << 32);
            String body = "{\"websocket\":true,\"origins\":[\"*:*\"],\"cookie_needed\":false,\"entropy\":" + entropy
                    + "}";
            var resp = new io.netty.handler.codec.http.DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.OK, ByteBufUtil.writeUtf8(ctx.alloc(), body));
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=UTF-8");
            resp.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpReplies.NO_CACHE);
            HttpReplies.cors(req, resp);
            HttpReplies.send(ctx, req, resp);
        } else {
            notFound(ctx, req);
        }
    }

    private void session(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, String[] parts) {
        if (parts.length != 3 || !segment(parts[0]) || !segment(parts[1])) {
            notFound(ctx, req);
            return;
        }
        String id = parts[1];
        HttpMethod m = req.method();
        String transport = parts[2];
        if (m.equals(HttpMethod.OPTIONS) && List.of("xhr", "xhr_send", "xhr_streaming").contains(transport)) {
            HttpReplies.options(ctx, req, "OPTIONS, POST");
            return;
        }
        switch (transport) {
            case "websocket" -> {
                if (m.equals(HttpMethod.GET)) {
                    upgrade(ctx, req, null, () -> server.sessionWebSocket(id, ctx.channel()));
                } else {
                    HttpReplies.send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, HttpReplies.PLAIN, "");
                }
            }
            case "xhr" -> when(m, HttpMethod.POST, ctx, req,
                    () -> receive(ctx, req, id, HttpReplies.JAVASCRIPT, null, f -> f + "\n", false));
            case "xhr_streaming" -> when(m, HttpMethod.POST, ctx, req,
                    () -> receive(ctx, req, id, HttpReplies.JAVASCRIPT, "h".repeat(2048) + "\n", f -> f + "\n", true));
            case "eventsource" -> when(m, HttpMethod.GET, ctx, req, () -> receive(ctx, req, id,
                    "text/event-stream; charset=UTF-8", "\r\n", f -> "data: " + f + "\r\n\r\n", true));
            case "htmlfile", "jsonp" -> when(m, HttpMethod.GET, ctx, req, () -> {
                String callback = callback(ctx, req, uri);
                if (callback == null) {
                    return;
                }
                if (transport.equals("jsonp")) {
                    receive(ctx, req, id, HttpReplies.JAVASCRIPT, null,
                            f -> "/**/" + callback + "(" + SockJsFrames.quote(f) + ");\r\n", false);
                } else {
                    String head = HTMLFILE_HEAD.formatted(callback);
                    receive(ctx, req, id, "text/html; charset=UTF-8", head + " ".repeat(Math.max(0, 1024 - head
                            .length())) + "\r\n", f -> "<script>\np(" + SockJsFrames.quote(f) + ");\n</script>\r\n",
                            true);
                }
            });
            case "xhr_send" -> when(m, HttpMethod.POST, ctx, req, () -> send(ctx, req, id, false));
            case "jsonp_send" -> when(m, HttpMethod.POST, ctx, req, () -> send(ctx, req, id, true));
            default -> notFound(ctx, req);
        }
    }

    private static boolean segment(String s) {
        return !s.isEmpty() && s.indexOf('.') < 0;
    }

    private void when(HttpMethod m, HttpMethod wanted, ChannelHandlerContext ctx, FullHttpRequest req, Runnable r) {
        if (m.equals(wanted)) {
            r.run();
        } else {
            notFound(ctx, req);
        }
    }

    private static String callback(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri) {
        List<String> c = uri.parameters().get("c");
        String callback = c == null || c.isEmpty() ? "" : c.get(0);
        if (callback.isEmpty()) {
            HttpReplies.send(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, HttpReplies.PLAIN,
                    "\"callback\" parameter required");
            return null;
        }
        if (!CALLBACK.matcher(callback).matches()) {
            HttpReplies.send(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, HttpReplies.PLAIN,
                    "invalid \"callback\" parameter");
            return null;
        }
        return callback;
    }

    /** A receiving request: a chunked response that the session writes frames to until it is done with it. */
    private void receive(ChannelHandlerContext ctx, FullHttpRequest req, String id, String type, String prelude,
            UnaryOperator<String> format, boolean streaming) {
        SockJsSession session = server.open(id, ctx.channel());
        if (session == null) {
            HttpReplies.send(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, HttpReplies.PLAIN,
                    "Too many sessions\n");
            return;
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        head.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        head.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpReplies.NO_CACHE);
        head.headers().set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        HttpReplies.cors(req, head);
        ctx.write(head, ctx.voidPromise());
        if (prelude != null) {
            ctx.write(new DefaultHttpContent(ByteBufUtil.writeUtf8(ctx.alloc(), prelude)), ctx.voidPromise());
        }
        ctx.flush();
        ctx.channel().config().setAutoRead(false); // the response is the client's until the session ends it
        HttpReceiver r = new HttpReceiver(ctx.channel(), format, streaming, STREAM_LIMIT);
        ctx.channel().closeFuture().addListener(f -> session.execute(() -> session.detached(r)));
        session.execute(() -> session.attach(r));
    }

    private void send(ChannelHandlerContext ctx, FullHttpRequest req, String id, boolean jsonp) {
        SockJsSession session = server.session(id);
        if (session == null || session.ended()) {
            notFound(ctx, req);
            return;
        }
        String body = req.content().toString(StandardCharsets.UTF_8);
        String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
        if (jsonp && type.startsWith("application/x-www-form-urlencoded")) {
            List<String> d = new QueryStringDecoder("?" + body).parameters().get("d");
            body = d == null || d.isEmpty() ? "" : d.get(0);
        }
        if (body.isEmpty()) {
            HttpReplies.send(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, HttpReplies.PLAIN,
                    "Payload expected.");
            return;
        }
        List<String> messages;
        try {
            messages = SockJsFrames.parse(body);
        } catch (IOException e) {
            LOG.debug("{} session {} from {}: broken JSON in a send", SockJsSession.LISTENER, id,
                    ctx.channel().remoteAddress());
            HttpReplies.send(ctx, req, HttpResponseStatus.INTERNAL_SERVER_ERROR, HttpReplies.PLAIN,
                    "Broken JSON encoding.");
            return;
        }
        session.execute(() -> session.received(messages));
        if (jsonp) {
            HttpReplies.send(ctx, req, HttpResponseStatus.OK, HttpReplies.PLAIN, "ok");
        } else {
            HttpReplies.send(ctx, req, HttpResponseStatus.NO_CONTENT, HttpReplies.PLAIN, "");
        }
    }

    private void upgrade(ChannelHandlerContext ctx, FullHttpRequest req, String subprotocols,
            Supplier<ChannelHandler> handler) {
        if (!req.method().equals(HttpMethod.GET)) {
            HttpReplies.send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, HttpReplies.PLAIN, "");
            return;
        }
        if (!"websocket".equalsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE))) {
            HttpReplies.send(ctx, req, HttpResponseStatus.BAD_REQUEST, HttpReplies.PLAIN,
                    "Can \"Upgrade\" only to \"WebSocket\".");
            return;
        }
        if (!req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true)) {
            HttpReplies.send(ctx, req, HttpResponseStatus.BAD_REQUEST, HttpReplies.PLAIN,
                    "\"Connection\" must be \"Upgrade\".");
            return;
        }
        ChannelHandler next = handler.get();
        if (next == null) {
            HttpReplies.send(ctx, req, HttpResponseStatus.SERVICE_UNAVAILABLE, HttpReplies.PLAIN,
                    "Too many sessions\n");
            return;
        }
        String url = (server.tls() ? "wss://" : "ws://") + req.headers().get(HttpHeaderNames.HOST, "localhost")
                + req.uri();
        WebSocketServerHandshaker hs = new WebSocketServerHandshakerFactory(url, subprotocols, true,
                server.config().maxMessageBytes()).newHandshaker(req);
        if (hs == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        hs.handshake(ctx.channel(), req);
        ctx.pipeline().replace(this, "ws", next);
    }

    private static void notFound(ChannelHandlerContext ctx, FullHttpRequest req) {
        HttpReplies.send(ctx, req, HttpResponseStatus.NOT_FOUND, HttpReplies.PLAIN, "Not found\n");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("{} {}: {}", SockJsSession.LISTENER, ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
