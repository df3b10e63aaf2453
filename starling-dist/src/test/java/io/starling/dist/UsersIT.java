package io.starling.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged node as shipped lets in only its users: added, changed and removed with {@code bin/starling-ctl
 * users} as a process, checked with mosquitto_pub (good, bad and missing credentials, MQTT 3.1.1 and 5), and
 * no password in its logs or in the password file.
 */
class UsersIT {
    private static final String SECRET = "s3cret-Password!";

    @TempDir
    Path dir;

    private record Run(int code, String out) {
    }

    private static Run run(List<String> command, NodeProcess node, String stdin) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("STARLING_HOME", node.home().toString());
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            if (stdin != null) {
                in.write((stdin + "\n").getBytes(StandardCharsets.UTF_8));
            }
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("%s exited", command).isTrue();
        return new Run(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private static Run ctl(NodeProcess node, String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(NodeProcess.dist().resolve("bin/starling-ctl").toString()));
        command.addAll(List.of(args));
        return run(command, node, stdin);
    }

    private static Run pub(NodeProcess node, String version, String... credentials) throws Exception {
        List<String> command = new ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p",
                String.valueOf(node.port()), "-V", version, "-t", "users/test", "-m", "x"));
        command.addAll(List.of(credentials));
        return run(command, node, null);
    }

    @Test
    void onlyKnownUsersWithTheRightPasswordGetIn() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/mosquitto_pub")),
                "*** SKIPPED: mosquitto_pub not installed (Debian's mosquitto-clients)");
        // As shipped: anonymous clients are refused.
        try (NodeProcess node = NodeProcess.in(dir, Map.of("STARLING_AUTHENTICATION__ALLOW_ANONYMOUS", "false"))
                .start()) {
            assertThat(node.output()).anyMatch(l -> l.contains("no client can connect. Add one with: "
                    + "bin/starling-ctl users add <name>"));
            Run anonymous = pub(node, "mqttv311");
            assertThat(anonymous.code()).isNotZero();
            assertThat(anonymous.out()).containsIgnoringCase("not authori");

            Run add = ctl(node, SECRET, "users", "add", "alice");
            assertThat(add.code()).as(add.out()).isZero();
            assertThat(ctl(node, "other-pass", "users", "add", "root", "--superuser").code()).isZero();
            assertThat(ctl(node, null, "users", "list").out()).contains("alice").contains("root  (superuser)");
            assertThat(ctl(node, SECRET, "users", "add", "alice").code()).as("taken").isEqualTo(1);

            assertThat(pub(node, "mqttv311", "-u", "alice", "-P", SECRET).code()).isZero();
            assertThat(pub(node, "mqttv5", "-u", "alice", "-P", SECRET).code()).isZero();
            Run wrong = pub(node, "mqttv5", "-u", "alice", "-P", "wrong");
            assertThat(wrong.code()).isNotZero();
            assertThat(wrong.out()).containsIgnoringCase("bad user name or password");
            assertThat(pub(node, "mqttv311", "-u", "alice", "-P", "wrong").out())
                    .containsIgnoringCase("bad user name or password");
            assertThat(pub(node, "mqttv311", "-u", "mallory", "-P", "x").code()).as("unknown user").isNotZero();

            assertThat(ctl(node, "new-pass", "users", "passwd", "alice").code()).isZero();
            assertThat(pub(node, "mqttv5", "-u", "alice", "-P", SECRET).code()).as("old password").isNotZero();
            assertThat(pub(node, "mqttv5", "-u", "alice", "-P", "new-pass").code()).isZero();
            assertThat(ctl(node, null, "users", "del", "alice").code()).isZero();
            assertThat(pub(node, "mqttv5", "-u", "alice", "-P", "new-pass").code()).as("deleted").isNotZero();

            String passwd = Files.readString(node.home().resolve("etc/passwd"));
            assertThat(passwd).contains("root:pbkdf2-sha512:10000:").doesNotContain("other-pass");
            assertThat(String.join("\n", node.output())).doesNotContain(SECRET).doesNotContain("new-pass")
                    .doesNotContain("other-pass");
        }
    }
}
