package io.starling.broker.transport;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.starling.broker.protocol.ClientAddress;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs a failed TLS handshake as one line that says why (an unknown CA, an expired certificate, none sent, plain
 * MQTT on a TLS port) and closes the connection; TLS errors go no further up the pipeline.
 */
final class TlsHandshakeObserver extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(TlsHandshakeObserver.class);

    private final String listenerId;
    private boolean logged;

    TlsHandshakeObserver(String listenerId) {
        this.listenerId = listenerId;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent done) {
            if (done.isSuccess()) {
                ctx.pipeline().remove(this);
            } else {
                failed(ctx, done.cause());
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable tls = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (tls instanceof SSLException) {
            failed(ctx, tls);
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }

    private void failed(ChannelHandlerContext ctx, Throwable cause) {
        if (!logged) {
            logged = true;
            LOG.info("listener {} {}: TLS handshake failed: {}; closing connection", listenerId,
                    ClientAddress.describe(ClientAddress.of(ctx.channel())), reason(cause));
        }
        ctx.close();
    }

    static String reason(Throwable cause) {
        if (cause instanceof NotSslRecordException) {
            return "not a TLS record (plain MQTT or another protocol sent to a TLS port)";
        }
        if (cause instanceof SslHandshakeTimeoutException) {
            return "no handshake in time";
        }
        String known = knownReason(cause);
        StringBuilder why = new StringBuilder(known == null ? "" : known + " (");
        why.append(cause.getMessage());
        Throwable t = cause.getCause();
        while (t != null && t != t.getCause()) {
            if (t.getMessage() != null && !why.toString().contains(t.getMessage())) {
                why.append(": ").append(t.getMessage());
            }
            t = t.getCause();
        }
        return known == null ? why.toString() : why.append(")").toString();
    }

    /** What an operator should read first, for the refusals that happen most. */
    private static String knownReason(Throwable cause) {
        for (Throwable t = cause; t != null && t != t.getCause(); t = t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (t instanceof CertificateExpiredException || m.contains("NotAfter")) {
                return "the client's certificate has expired";
            }
            if (t instanceof CertificateNotYetValidException || m.contains("NotBefore")) {
                return "the client's certificate is not valid yet";
            }
            if (m.contains("unable to find valid certification path") || m.contains("signature check failed")) {
                return "the client's certificate is not signed by a CA in ssl.cacertfile";
            }
            if (m.contains("Empty client certificate chain") || m.contains("PEER_DID_NOT_RETURN_A_CERTIFICATE")
                    || m.contains("certificate_required")) {
                return "the client sent no certificate and ssl.verify = required";
            }
        }
        return null;
    }
}
