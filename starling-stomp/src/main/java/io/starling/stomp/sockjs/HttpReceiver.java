package io.starling.stomp.sockjs;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.function.UnaryOperator;

/**
 * A receiving HTTP request: its response is chunked, one chunk per frame in the transport's format. A polling
 * transport ends after one frame; a streaming one after {@code limit} bytes, so that browsers free what they hold
 * of it (the client opens the next).
 */
final class HttpReceiver implements Receiver {
    private final Channel channel;
    private final UnaryOperator<String> format;
    private final boolean streaming;
    private final long limit;
    private long written;
    private boolean finished;

    HttpReceiver(Channel channel, UnaryOperator<String> format, boolean streaming, long limit) {
        this.channel = channel;
        this.format = format;
        this.streaming = streaming;
        this.limit = limit;
    }

    @Override
    public boolean write(String frame) {
        if (finished) {
            return false;
        }
        String text = format.apply(frame);
        channel.writeAndFlush(new DefaultHttpContent(ByteBufUtil.writeUtf8(channel.alloc(), text)),
                channel.voidPromise());
        written += text.length();
        return streaming && written < limit && channel.isActive();
    }

    @Override
    public boolean alive() {
        return !finished && channel.isActive();
    }

    @Override
    public void finish() {
        if (!finished) {
            finished = true;
            channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
