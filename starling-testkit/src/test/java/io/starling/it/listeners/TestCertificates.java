package io.starling.it.listeners;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates for TLS tests, made fresh in a directory: a CA, a server certificate for 127.0.0.1/localhost, and
 * client certificates (good, from another CA, expired), written as PEM files as an operator would configure them.
 */
public final class TestCertificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A certificate with its key, and where their PEM files are. */
    public record Issued(X509Certificate certificate, KeyPair keys, Path certFile, Path keyFile) {

        /**
         * The key again as PKCS #8 with the public key inside (RFC 5915 allows leaving it out, as the JDK does, but
         * GnuTLS, under Debian's slapd, cannot read such a key).
         */
        public Path keyFileWithPublicKey() {
            Path file = keyFile.resolveSibling(keyFile.getFileName() + ".full");
            try {
                var priv = (java.security.interfaces.ECPrivateKey) keys.getPrivate();
                var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(priv.getEncoded());
                var publicKey = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
                var inner = new org.bouncycastle.asn1.sec.ECPrivateKey(priv.getParams().getOrder().bitLength(),
                        priv.getS(), publicKey.getPublicKeyData(), null);
                var full = new org.bouncycastle.asn1.pkcs.PrivateKeyInfo(info.getPrivateKeyAlgorithm(), inner);
                Files.writeString(file, pem(new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", full.getEncoded())),
                        StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return file;
        }

        /** For a Java client presenting this certificate. */
        KeyManagerFactory keyManager() {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("client", keys.getPrivate(), new char[0], new X509Certificate[] {certificate});
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
                return kmf;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }

        /** For a Java client that trusts this (CA) certificate. */
        TrustManagerFactory trustManager() {
            try {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setCertificateEntry("ca", certificate);
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ks);
                return tmf;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final Path dir;

    public TestCertificates(Path dir) {
        this.dir = dir;
    }

    public Issued ca(String name) {
        KeyPair keys = keyPair();
        return write(name, build(new X500Name("CN=" + name), keys, new X500Name("CN=" + name), keys,
                Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)), true, null), keys);
    }

    public Issued server(String name, Issued ca) {
        return leaf(name, "CN=" + name, ca, Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)), new GeneralNames(new GeneralName[] {
                    new GeneralName(GeneralName.dNSName, "localhost"),
                    new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
    }

    /** A server certificate for {@code dnsName} alone: another host's, to a client that asked for 127.0.0.1. */
    public Issued server(String name, Issued ca, String dnsName) {
        return leaf(name, "CN=" + dnsName, ca, Instant.now().minus(Duration.ofDays(1)),
                Instant.now().plus(Duration.ofDays(30)),
                new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
    }

    /** {@code subject} in DER order, the most general part first ({@code O=Fleet,CN=device-7}). */
    Issued client(String name, String subject, Issued ca) {
        return leaf(name, subject, ca, Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(Duration.ofDays(30)),
                new GeneralNames(new GeneralName(GeneralName.dNSName, name + ".devices.example")));
    }

    Issued expiredClient(String name, Issued ca) {
        return leaf(name, "CN=" + name, ca, Instant.now().minus(Duration.ofDays(30)),
                Instant.now().minus(Duration.ofDays(1)), null);
    }

    private Issued leaf(String name, String subject, Issued ca, Instant from, Instant to, GeneralNames sans) {
        KeyPair keys = keyPair();
        X500Name issuer = new X500Name(ca.certificate().getSubjectX500Principal().getName());
        return write(name, build(new X500Name(subject), keys, issuer, ca.keys(), from, to, false, sans), keys);
    }

    private static X509Certificate build(X500Name subject, KeyPair keys, X500Name issuer, KeyPair issuerKeys,
            Instant from, Instant to, boolean isCa, GeneralNames sans) {
        try {
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(from), Date.from(to), subject,
                    keys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            if (isCa) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            }
            if (sans != null) {
                b.addExtension(Extension.subjectAlternativeName, false, sans);
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a test certificate", e);
        }
    }

    private Issued write(String name, X509Certificate certificate, KeyPair keys) {
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        try {
            Files.writeString(cert, pem(certificate), StandardCharsets.US_ASCII);
            Files.writeString(key, pem(new JcaPKCS8Generator(keys.getPrivate(), null)), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Issued(certificate, keys, cert, key);
    }

    private static String pem(Object o) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
