package io.starling.auth.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.api.ClientInfo;
import io.starling.api.auth.Authorizer.Action;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Placeholders filled in one pass: what a client id or username brings is never read as a placeholder. */
class TopicRuleTest {

    private static ClientInfo client(String id, String username) {
        return new ClientInfo(id, username, null, 5, "tcp:default");
    }

    @ParameterizedTest(name = "{0} for {1}/{2}: {3}")
    @CsvSource(nullValues = "null", value = {
        "devices/%c/#, dev-1, u, devices/dev-1/#", "users/%u/#, dev-1, u, users/u/#", "a/b, x, y, a/b",
        "%c/%u/%c, c, u, c/u/c", "devices/%c/#, a%ub, x, devices/a%ub/#", "users/%u/#, c, %c, users/%c/#",
        "%c%u, %u, %c, %u%c", "100%/%c, x, y, 100%/x", "%%c, x, y, %x", "a%, x, y, a%", "%x/%c, c, u, %x/c",
        "users/%u/#, c, null, null", "devices/%c/#, +, u, null", "devices/%c/#, a/b, u, null",
        "users/%u/#, c, #, null", "users/%u/#, c, '', null", "plain, #, null, plain", "%c/#, $SYS, u, null",
        "%u/#, c, $SYS, null", "devices/%c/#, $SYS, u, devices/$SYS/#"})
    void fill(String template, String id, String username, String expected) {
        assertThat(TopicRule.fill(template, client(id, username))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} for client id {1}, username {2}, topic {3}: {4}")
    @CsvSource({"devices/%c/#, a%ub, x, devices/axb/t, false", "devices/%c/#, a%ub, x, devices/a%ub/t, true",
        "inbox/%c, %u, victim, inbox/victim, false"})
    void aValueIsNotFilledInAgain(String template, String id, String username, String topic, boolean matches) {
        assertThat(new TopicRule(true, null, template).matches(client(id, username), Action.PUBLISH, topic))
                .isEqualTo(matches);
    }
}
