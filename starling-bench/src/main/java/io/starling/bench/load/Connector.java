package io.starling.bench.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Opens the clients' sockets: epoll when available, TLS and WebSocket when asked, spread over local addresses. */
final class Connector implements AutoCloseable {
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private final String host;
    private final int port;
    private final SslContext ssl;
    private final String webSocketPath;
    private final List<InetSocketAddress> localAddresses;
    private final boolean epoll;

    Connector(String host, int port, int threads, SslContext ssl, String webSocketPath, List<String> localAddresses,
            int sendBuffer, int receiveBuffer) {
        this.host = host;
        this.port = port;
        this.ssl = ssl;
        this.webSocketPath = webSocketPath;
        this.localAddresses = localAddresses.stream().map(a -> new InetSocketAddress(a, 0)).toList();
        this.epoll = Epoll.isAvailable();
        IoHandlerFactory factory = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("bench-io", true), factory);
        this.bootstrap = new Bootstrap().group(group)
                .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 30_000)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .remoteAddress(new InetSocketAddress(host, port));
        if (epoll && !this.localAddresses.isEmpty()) {
            // Bind picks no port; connect then picks one per (source, destination) pair, so each local
            // address brings its own ephemeral ports instead of sharing one range by scanning it.
            bootstrap.option(EpollChannelOption.IP_BIND_ADDRESS_NO_PORT, true);
        }
        if (sendBuffer > 0) {
            bootstrap.option(ChannelOption.SO_SNDBUF, sendBuffer);
        }
        if (receiveBuffer > 0) {
            bootstrap.option(ChannelOption.SO_RCVBUF, receiveBuffer);
        }
    }

    String transportName() {
        return epoll ? "epoll" : "nio";
    }

    boolean usesWebSocket() {
        return webSocketPath != null;
    }

    /** Starts connecting client {@code index}; the client hears of failure through {@link BenchClient#connectFailed}. */
    ChannelFuture connect(int index, BenchClient client) {
        return connect(index, client, port);
    }

    /** As {@link #connect(int, BenchClient)}, to another port of the same host (another node of a cluster). */
    ChannelFuture connect(int index, BenchClient client, int port) {
        Bootstrap b = bootstrap.clone().remoteAddress(new InetSocketAddress(host, port)).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ChannelPipeline p = ch.pipeline();
                if (ssl != null) {
                    p.addLast(ssl.newHandler(ch.alloc(), host, port));
                }
                if (webSocketPath != null) {
                    URI uri = URI.create((ssl != null ? "wss" : "ws") + "://" + host + ":" + port + webSocketPath);
                    p.addLast(new HttpClientCodec(), new HttpObjectAggregator(65_536),
                            new WebSocketClientProtocolHandler(WebSocketClientHandshakerFactory.newHandshaker(
                                    uri, WebSocketVersion.V13, "mqtt", false, new DefaultHttpHeaders(), 1 << 20)),
                            new WebSocketFrames());
                }
                p.addLast(client);
            }
        });
        client.connectStarted();
        ChannelFuture future = localAddresses.isEmpty() ? b.connect()
                : b.connect(b.config().remoteAddress(), localAddresses.get(index % localAddresses.size()));
        future.addListener(f -> {
            if (!f.isSuccess()) {
                client.connectFailed(f.cause());
            }
        });
        return future;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
