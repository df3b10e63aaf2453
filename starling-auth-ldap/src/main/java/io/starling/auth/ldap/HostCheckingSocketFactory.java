package io.starling.auth.ldap;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * TLS sockets that check the directory's certificate names the host they connect to (the JDK's LDAPS rules,
 * RFC 2830: a DNS name or an IP address in the subject alternative names), during the handshake, for ldaps://
 * and StartTLS alike. UnboundID's own HostNameSSLSocketVerifier is not used: it takes any certificate when the
 * host is a loopback address.
 */
final class HostCheckingSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory tls;

    HostCheckingSocketFactory(SSLSocketFactory tls) {
        this.tls = tls;
    }

    private static Socket checked(Socket socket) {
        if (socket instanceof SSLSocket ssl) {
            SSLParameters p = ssl.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("LDAPS");
            ssl.setSSLParameters(p);
        }
        return socket;
    }

    @Override
    public Socket createSocket() throws IOException {
        return checked(tls.createSocket());
    }

    @Override
    public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
        return checked(tls.createSocket(s, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return checked(tls.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return checked(tls.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return checked(tls.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return checked(tls.createSocket(address, port, localAddress, localPort));
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return tls.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return tls.getSupportedCipherSuites();
    }
}
