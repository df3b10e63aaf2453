package io.starling.broker.protocol;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;
import io.starling.broker.config.TlsConfig.PeerCertField;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.security.auth.x500.X500Principal;

/** The verified certificate a client presented in the TLS handshake, read for its identity. */
final class PeerCertificate {
    private static final int SAN_EMAIL = 1;
    private static final int SAN_DNS = 2;
    private static final int SAN_URI = 6;
    private static final int SAN_IP = 7;

    private final X509Certificate certificate;

    private PeerCertificate(X509Certificate certificate) {
        this.certificate = certificate;
    }

    /** The client's certificate on this channel, or null when there is no TLS or the client sent none. */
    static PeerCertificate of(Channel channel) {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null) {
            return null;
        }
        try {
            Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? new PeerCertificate(x) : null;
        } catch (SSLPeerUnverifiedException e) {
            return null;
        }
    }

    /** The field, or {@code otherwise} when the certificate lacks it. */
    String field(PeerCertField field, String otherwise) {
        String value = switch (field) {
            case NONE -> null;
            case DN -> certificate.getSubjectX500Principal().getName(X500Principal.RFC2253);
            case CN -> commonName();
            case SAN -> firstSubjectAltName();
        };
        return value == null || value.isEmpty() ? otherwise : value;
    }

    private String commonName() {
        try {
            LdapName dn = new LdapName(certificate.getSubjectX500Principal().getName(X500Principal.RFC2253));
            List<Rdn> rdns = dn.getRdns();
            // The most specific CN: LdapName lists RDNs from the root down.
            for (int i = rdns.size() - 1; i >= 0; i--) {
                if (rdns.get(i).getType().equalsIgnoreCase("CN")) {
                    return String.valueOf(rdns.get(i).getValue());
                }
            }
        } catch (InvalidNameException e) {
            return null;
        }
        return null;
    }

    private String firstSubjectAltName() {
        try {
            Collection<List<?>> names = certificate.getSubjectAlternativeNames();
            if (names == null) {
                return null;
            }
            for (List<?> name : names) {
                int type = (Integer) name.get(0);
                if (type == SAN_DNS || type == SAN_EMAIL || type == SAN_URI || type == SAN_IP) {
                    return String.valueOf(name.get(1));
                }
            }
        } catch (CertificateParsingException e) {
            return null;
        }
        return null;
    }
}
