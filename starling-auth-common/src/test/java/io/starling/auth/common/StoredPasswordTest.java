package io.starling.auth.common;

import static org.assertj.core.api.Assertions.assertThat;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each stored form against hashes made by other tools: sha256/md5 of {@code echo -n | sha256sum}, pbkdf2 from
 * Python's {@code hashlib.pbkdf2_hmac} (RFC 6070's vectors for sha1), bcrypt as {@code htpasswd -B} writes it.
 */
class StoredPasswordTest {
    private static final HashSettings PREFIX = HashSettings.from(Map.of());
    private static final HashSettings SUFFIX = HashSettings.from(Map.of("salt_position", "suffix"));

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void plainComparesTheWholePassword() {
        StoredPassword p = new StoredPassword("secret", null, PasswordAlgorithm.PLAIN);
        assertThat(p.matches(b("secret"), PREFIX)).isTrue();
        assertThat(p.matches(b("secre"), PREFIX)).isFalse();
        assertThat(p.matches(null, PREFIX)).isFalse();
    }

    @Test
    void digestsWithTheSaltBeforeOrAfter() {
        // printf 'saltpassword' | sha256sum ; printf 'passwordsalt' | sha256sum
        String saltFirst = "13601bda4ea78e55a07b98866d2be6be0744e3866f13c00c811cab608a28f322";
        String saltLast = "7a37b85c8918eac19a9089c0fa5a2ab4dce3f90528dcdeec108b23ddf3607b99";
        assertThat(new StoredPassword(saltFirst, "salt", PasswordAlgorithm.SHA256).matches(b("password"), PREFIX))
                .isTrue();
        assertThat(new StoredPassword(saltLast, "salt", PasswordAlgorithm.SHA256).matches(b("password"), SUFFIX))
                .isTrue();
        assertThat(new StoredPassword(saltLast, "salt", PasswordAlgorithm.SHA256).matches(b("password"), PREFIX))
                .isFalse();
        // printf 'password' | md5sum, upper case as some tools write it
        assertThat(new StoredPassword("5F4DCC3B5AA765D61D8327DEB882CF99", "", PasswordAlgorithm.MD5)
                .matches(b("password"), PREFIX)).isTrue();
        // printf 'password' | sha512sum
        assertThat(new StoredPassword("b109f3bbbc244eb82441917ed06d618b9008dd09b3befd1b5e07394c706a8bb9"
                + "80b1d7785e5976ec049b46df5f1326af5a2ea6d103fd07c95385ffab0cacbc86", "", PasswordAlgorithm.SHA512)
                .matches(b("password"), PREFIX)).isTrue();
        assertThat(new StoredPassword("not hex", "", PasswordAlgorithm.MD5).matches(b("password"), PREFIX)).isFalse();
    }

    @Test
    void pbkdf2WithTheConfiguredMacAndIterations() {
        // RFC 6070: P = "password", S = "salt", c = 4096, dkLen = 20, HMAC-SHA1
        HashSettings sha1 = HashSettings.from(Map.of("pbkdf2_mac", "sha1", "pbkdf2_iterations", "4096"));
        assertThat(new StoredPassword("4b007901b765489abead49d926f721d065a429c1", "salt", PasswordAlgorithm.PBKDF2)
                .matches(b("password"), sha1)).isTrue();
        // hashlib.pbkdf2_hmac('sha256', b'password', b'salt', 4096).hex()
        assertThat(new StoredPassword("c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a", "salt",
                PasswordAlgorithm.PBKDF2).matches(b("password"), PREFIX)).isTrue();
        assertThat(new StoredPassword("c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a", "salt",
                PasswordAlgorithm.PBKDF2).matches(b("passwore"), PREFIX)).isFalse();
    }

    @Test
    void bcryptCarriesItsOwnSaltAndCost() {
        String hash = BCrypt.withDefaults().hashToString(6, "password".toCharArray());
        StoredPassword p = new StoredPassword(hash, null, PasswordAlgorithm.BCRYPT);
        assertThat(p.matches(b("password"), PREFIX)).isTrue();
        assertThat(p.matches(b("Password"), PREFIX)).isFalse();
        // as htpasswd -B writes it ($2y$)
        assertThat(new StoredPassword("$2y$05$wJx7mv5S5S3qOaMnqJmQaO0SgKFqxBRk8kU1Nz2SqJ6QGaV0KjyrK", null,
                PasswordAlgorithm.BCRYPT).matches(b("x"), PREFIX)).isFalse();
    }

    @Test
    void anUnknownAlgorithmIsNamed() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> PasswordAlgorithm.parse("sha3"))
                .hasMessageContaining("'sha3' is not one of plain, md5, sha256, sha512, bcrypt, pbkdf2");
    }
}
