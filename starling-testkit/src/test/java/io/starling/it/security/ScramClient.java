package io.starling.it.security;

import com.hivemq.client.mqtt.datatypes.MqttUtf8String;
import com.hivemq.client.mqtt.mqtt5.Mqtt5ClientConfig;
import com.hivemq.client.mqtt.mqtt5.auth.Mqtt5EnhancedAuthMechanism;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5Auth;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5AuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.auth.Mqtt5EnhancedAuthBuilder;
import com.hivemq.client.mqtt.mqtt5.message.connect.Mqtt5Connect;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAck;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The client's side of SCRAM-SHA-256 (RFC 5802) as a HiveMQ MQTT Client enhanced-auth mechanism, written from the
 * RFC for the tests: it proves the password and checks the node's signature, at CONNECT and at re-authentication.
 */
final class ScramClient implements Mqtt5EnhancedAuthMechanism {
    private final String method;
    private final String user;
    private volatile String password;
    private String clientFirstBare;
    private byte[] expectedServerSignature;
    /** Whether the node's last signature was the right one. */
    volatile boolean serverVerified;

    ScramClient(String user, String password) {
        this("SCRAM-SHA-256", user, password);
    }

    ScramClient(String method, String user, String password) {
        this.method = method;
        this.user = user;
        this.password = password;
    }

    void password(String newPassword) {
        this.password = newPassword;
    }

    @Override
    public MqttUtf8String getMethod() {
        return MqttUtf8String.of(method);
    }

    @Override
    public int getTimeout() {
        return 10;
    }

    private byte[] clientFirst() {
        byte[] nonce = new byte[18];
        new SecureRandom().nextBytes(nonce);
        clientFirstBare = "n=" + user.replace("=", "=3D").replace(",", "=2C") + ",r="
                + Base64.getEncoder().encodeToString(nonce);
        serverVerified = false;
        return ("n,," + clientFirstBare).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] clientFinal(Optional<ByteBuffer> data) {
        String serverFirst = StandardCharsets.UTF_8.decode(data.orElseThrow().duplicate()).toString();
        String nonce = null;
        byte[] salt = null;
        int iterations = 0;
        for (String attr : serverFirst.split(",")) {
            switch (attr.charAt(0)) {
                case 'r' -> nonce = attr.substring(2);
                case 's' -> salt = Base64.getDecoder().decode(attr.substring(2));
                case 'i' -> iterations = Integer.parseInt(attr.substring(2));
                default -> { }
            }
        }
        String withoutProof = "c=" + Base64.getEncoder().encodeToString("n,,".getBytes(StandardCharsets.UTF_8))
                + ",r=" + nonce;
        byte[] authMessage = (clientFirstBare + "," + serverFirst + "," + withoutProof).getBytes(StandardCharsets.UTF_8);
        byte[] salted = pbkdf2(password.toCharArray(), salt, iterations);
        byte[] clientKey = hmac(salted, "Client Key");
        byte[] clientSignature = hmac(sha256(clientKey), authMessage);
        byte[] proof = new byte[clientKey.length];
        for (int i = 0; i < proof.length; i++) {
            proof[i] = (byte) (clientKey[i] ^ clientSignature[i]);
        }
        expectedServerSignature = hmac(hmac(salted, "Server Key"), authMessage);
        return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
    }

    private boolean verify(Optional<ByteBuffer> data) {
        String serverFinal = data.map(b -> StandardCharsets.UTF_8.decode(b.duplicate()).toString()).orElse("");
        serverVerified = serverFinal.startsWith("v=") && MessageDigest.isEqual(expectedServerSignature,
                Base64.getDecoder().decode(serverFinal.substring(2)));
        return serverVerified;
    }

    @Override
    public CompletableFuture<Void> onAuth(Mqtt5ClientConfig config, Mqtt5Connect connect, Mqtt5EnhancedAuthBuilder auth) {
        auth.data(clientFirst());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> onReAuth(Mqtt5ClientConfig config, Mqtt5AuthBuilder auth) {
        auth.data(clientFirst());
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Boolean> onContinue(Mqtt5ClientConfig config, Mqtt5Auth auth, Mqtt5AuthBuilder next) {
        next.data(clientFinal(auth.getData()));
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletableFuture<Boolean> onAuthSuccess(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
        return CompletableFuture.completedFuture(verify(connAck.getEnhancedAuth().flatMap(a -> a.getData())));
    }

    @Override
    public CompletableFuture<Boolean> onReAuthSuccess(Mqtt5ClientConfig config, Mqtt5Auth auth) {
        return CompletableFuture.completedFuture(verify(auth.getData()));
    }

    @Override
    public void onAuthRejected(Mqtt5ClientConfig config, Mqtt5ConnAck connAck) {
    }

    @Override
    public void onReAuthRejected(Mqtt5ClientConfig config, com.hivemq.client.mqtt.mqtt5.message.disconnect.Mqtt5Disconnect disconnect) {
    }

    @Override
    public void onAuthError(Mqtt5ClientConfig config, Throwable cause) {
    }

    @Override
    public void onReAuthError(Mqtt5ClientConfig config, Throwable cause) {
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                    .generateSecret(new PBEKeySpec(password, salt, iterations, 256)).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        return hmac(key, data.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
