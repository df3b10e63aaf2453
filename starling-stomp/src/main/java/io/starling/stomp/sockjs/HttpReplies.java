package io.starling.stomp.sockjs;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/** The headers and small responses every SockJS URL shares: CORS, caching, and plain bodies. */
final class HttpReplies {
    static final String NO_CACHE = "no-store, no-cache, no-transform, must-revalidate, max-age=0";
    static final String JAVASCRIPT = "application/javascript; charset=UTF-8";
    static final String PLAIN = "text/plain; charset=UTF-8";
    private static final long YEAR_SECONDS = 31_536_000L;

    private HttpReplies() {
    }

    /** CORS as SockJS asks: the request's origin (or any), with credentials, and the headers it asked for. */
    static void cors(FullHttpRequest req, HttpResponse resp) {
        String origin = req.headers().get(HttpHeaderNames.ORIGIN);
        HttpHeaders h = resp.headers();
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin == null || origin.equals("null") ? "*" : origin);
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        String asked = req.headers().get(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
        if (asked != null && !asked.isEmpty()) {
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, asked);
        }
    }

    static void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status, String type,
            String body) {
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                ByteBufUtil.writeUtf8(ctx.alloc(), body));
        if (type != null) {
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        }
        cors(req, resp);
        send(ctx, req, resp);
    }

    static void send(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse resp) {
        HttpUtil.setContentLength(resp, resp.content().readableBytes());
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (keepAlive) {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(resp, ctx.voidPromise());
        } else {
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** The answer to a CORS preflight: allowed methods, cached for a year. */
    static void options(ChannelHandlerContext ctx, FullHttpRequest req, String methods) {
        FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.NO_CONTENT);
        HttpHeaders h = resp.headers();
        h.set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=" + YEAR_SECONDS);
        h.set(HttpHeaderNames.EXPIRES, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(YEAR_SECONDS)));
        h.set(HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, YEAR_SECONDS);
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, methods);
        cors(req, resp);
        send(ctx, req, resp);
    }
}
