package io.starling.broker.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node's side of SCRAM-SHA-256 against the exchange printed in RFC 7677, section 3. */
class ScramExchangeTest {
    private static final String CLIENT_FIRST = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
    private static final String SERVER_NONCE = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
    private static final String SERVER_FIRST =
            "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
    private static final String CLIENT_FINAL = "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,"
            + "p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
    private static final String SERVER_FINAL = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

    @TempDir
    Path dir;

    /** The RFC's user: "user" with password "pencil", its salt and 4096 iterations, written as the file holds it. */
    private UserDatabase users() throws IOException {
        ScramCredential keys = ScramCredential.of("pencil".toCharArray(),
                Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ=="), 4096);
        PasswordHash hash = PasswordHash.of("pencil".toCharArray(), 1000);
        Path file = dir.resolve("passwd");
        Files.writeString(file, "user:" + hash.format() + ":" + keys.format() + "\n");
        return new UserDatabase(file, 1000, 4096);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void theRfc7677ExchangeGivesItsServerMessages() throws Exception {
        ScramExchange scram = new ScramExchange(users(), () -> SERVER_NONCE);
        assertThat(new String(scram.first(bytes(CLIENT_FIRST)), StandardCharsets.UTF_8)).isEqualTo(SERVER_FIRST);
        assertThat(new String(scram.last(bytes(CLIENT_FINAL)), StandardCharsets.UTF_8)).isEqualTo(SERVER_FINAL);
        assertThat(scram.username()).isEqualTo("user");
    }

    @Test
    void aWrongProofIsBadCredentials() throws Exception {
        ScramExchange scram = new ScramExchange(users(), () -> SERVER_NONCE);
        scram.first(bytes(CLIENT_FIRST));
        String forged = CLIENT_FINAL.substring(0, CLIENT_FINAL.indexOf(",p=") + 3)
                + Base64.getEncoder().encodeToString(new byte[32]);
        assertThatThrownBy(() -> scram.last(bytes(forged))).isInstanceOf(ScramException.class)
                .satisfies(e -> assertThat(((ScramException) e).badCredentials()).isTrue());
    }

    @Test
    void anUnknownUserGetsAChallengeLikeAnyOtherAndFailsAtTheProof() throws Exception {
        UserDatabase users = users();
        ScramExchange first = new ScramExchange(users, () -> SERVER_NONCE);
        String challenge = new String(first.first(bytes("n,,n=nobody,r=abc")), StandardCharsets.UTF_8);
        assertThat(challenge).matches("r=abc.+,s=[A-Za-z0-9+/=]{24},i=4096");
        ScramExchange again = new ScramExchange(users, () -> SERVER_NONCE);
        assertThat(new String(again.first(bytes("n,,n=nobody,r=abc")), StandardCharsets.UTF_8))
                .as("the same salt each time, as a real user's").isEqualTo(challenge);
        String finalMessage = "c=biws,r=abc" + SERVER_NONCE + ",p=" + Base64.getEncoder().encodeToString(new byte[32]);
        assertThatThrownBy(() -> first.last(bytes(finalMessage))).isInstanceOf(ScramException.class)
                .hasMessage("bad username or password");
    }

    @Test
    void brokenMessagesAreProtocolErrorsThatSayWhy() throws Exception {
        UserDatabase users = users();
        assertThatThrownBy(() -> new ScramExchange(users).first(bytes("p=tls-unique,,n=user,r=x")))
                .hasMessageContaining("channel binding is not supported");
        assertThatThrownBy(() -> new ScramExchange(users).first(bytes("n,,r=x"))).hasMessageContaining("n=<user>");
        assertThatThrownBy(() -> new ScramExchange(users).first(null)).hasMessageContaining("no Authentication Data");
        ScramExchange scram = new ScramExchange(users, () -> SERVER_NONCE);
        scram.first(bytes(CLIENT_FIRST));
        assertThatThrownBy(() -> scram.last(bytes(CLIENT_FINAL.replace("r=rOpr", "r=XXpr"))))
                .hasMessageContaining("nonce")
                .satisfies(e -> assertThat(((ScramException) e).badCredentials()).isFalse());
    }

    @Test
    void aUserWrittenBeforeScramLogsInWithItsPasswordButNotWithScramUntilPasswd() throws Exception {
        Path file = dir.resolve("passwd");
        Files.writeString(file, "old:" + PasswordHash.of("pw".toCharArray(), 1000).format() + ":superuser\n");
        UserDatabase users = new UserDatabase(file, 1000, 4096);
        assertThat(users.verify("old", bytes("pw"))).contains(true);
        assertThat(users.isSuperuser("old")).isTrue();
        assertThat(users.scramCredential("old")).isNull();
        users.passwd("old", "pw".toCharArray());
        assertThat(users.scramCredential("old")).isNotNull();
        assertThat(Files.readString(file)).contains(":scram-sha-256:4096:").contains(":superuser\n");
        assertThat(new UserDatabase(file, 1000, 4096).isSuperuser("old")).isTrue();
    }
}
