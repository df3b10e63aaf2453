package io.starling.broker.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * Proves that a key file holds the private key of a certificate file, by signing with one and verifying with the
 * other: a certificate rotated one file at a time must not be served with the old key. Keys the JDK cannot read
 * alone (encrypted, PKCS#1) are left to the TLS engine.
 */
final class KeyPairCheck {
    private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PKCS8_END = "-----END PRIVATE KEY-----";

    private KeyPairCheck() {
    }

    /** Throws {@link TlsSetupException} when the key is readable and is not the certificate's. */
    static void requireMatch(String listenerId, Path certFile, Path keyFile) {
        try {
            String keyText = Files.readString(keyFile, StandardCharsets.US_ASCII);
            int begin = keyText.indexOf(PKCS8_BEGIN);
            int end = keyText.indexOf(PKCS8_END);
            if (begin < 0 || end < begin) {
                return;
            }
            PublicKey publicKey;
            try (InputStream in = Files.newInputStream(certFile)) {
                publicKey = ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in))
                        .getPublicKey();
            }
            String signatureAlgorithm = switch (publicKey.getAlgorithm()) {
                case "EC" -> "SHA256withECDSA";
                case "RSA" -> "SHA256withRSA";
                case "EdDSA", "Ed25519" -> "Ed25519";
                default -> null;
            };
            if (signatureAlgorithm == null) {
                return;
            }
            byte[] der = Base64.getMimeDecoder().decode(keyText.substring(begin + PKCS8_BEGIN.length(), end));
            PrivateKey privateKey = KeyFactory.getInstance(publicKey.getAlgorithm())
                    .generatePrivate(new PKCS8EncodedKeySpec(der));
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(signatureAlgorithm);
            signer.initSign(privateKey);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(signatureAlgorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            if (!verifier.verify(signature)) {
                throw mismatch(listenerId, certFile, keyFile);
            }
        } catch (java.security.spec.InvalidKeySpecException e) {
            // A key of another type than the certificate's.
            throw mismatch(listenerId, certFile, keyFile);
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            // Not readable here: the TLS engine reads the files next and reports what is wrong.
        }
    }

    private static TlsSetupException mismatch(String listenerId, Path certFile, Path keyFile) {
        return new TlsSetupException(listenerId + ": ssl.keyfile " + keyFile + " is not the private key of the "
                + "certificate in ssl.certfile " + certFile);
    }
}
