package io.starling.stomp.sockjs;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;

/** The session's WebSocket: one text message per SockJS frame, open as long as the session. */
final class WebSocketReceiver implements Receiver {
    private final Channel channel;
    private boolean finished;

    WebSocketReceiver(Channel channel) {
        this.channel = channel;
    }

    @Override
    public boolean write(String frame) {
        if (finished) {
            return false;
        }
        channel.writeAndFlush(new TextWebSocketFrame(frame), channel.voidPromise());
        return channel.isActive();
    }

    @Override
    public boolean alive() {
        return !finished && channel.isActive();
    }

    @Override
    public void finish() {
        if (!finished) {
            finished = true;
            channel.writeAndFlush(new CloseWebSocketFrame(1000, "")).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
