package io.starling.codec;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TopicsTest {

    @ParameterizedTest
    @ValueSource(strings = {"#", "+", "a/#", "a/+/c", "+/+", "/", "a//b", "$SYS/#", "$share/g/a/#", "$queue/a/+",
        "sport/tennis/+", "+/tennis/#"})
    void validFilters(String filter) {
        assertThat(Topics.isValidTopicFilter(filter)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/#/b", "a#", "#a", "a+", "+a/b", "a/b+", "$share/g", "$share/g/", "$share//a",
        "$share/+/a", "$share/g#/a", "$queue/", "sport/tennis#"})
    void invalidFilters(String filter) {
        assertThat(Topics.isValidTopicFilter(filter)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "a/+", "#", "a/#/b"})
    void invalidNames(String name) {
        assertThat(Topics.isValidTopicName(name)).isFalse();
    }

    @ParameterizedTest(name = "{0} matches {1}: {2}")
    @CsvSource({
        "a/b/c, a/b/c, true", "a/+/c, a/b/c, true", "a/+/c, a/b/d, false", "a/#, a, true", "a/#, a/b/c, true",
        "#, a/b, true", "+, a/b, false", "+/+, /, true", "+, '', true", "#, $SYS/x, false", "+/x, $SYS/x, false",
        "$SYS/#, $SYS/x, true", "a/b, a/b/c, false", "a/b/c, a/b, false", "a/+, a, false"})
    void matching(String filter, String topic, boolean expected) {
        assertThat(Topics.matches(filter, topic)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "rule {0} covers {1}: {2}")
    @CsvSource({
        "a/#, a/+, true", "a/#, a/#, true", "a/#, a, true", "#, a/#, true", "a/+, a/b, true", "a/+, a/+, true",
        "a/+, a/#, false", "a/b, a/+, false", "+/b, +/b, true", "a/+/c, a/+/c, true", "a/+/c, a/#, false",
        "#, $SYS/#, false", "$SYS/#, $SYS/brokers/+, true", "a/b, a/b, true", "a/b, a/b/c, false",
        "+, #, false", "+/#, #, true", "+/#, +/#, true", "+/+/#, #, false", "a/+/#, a/#, false", "+/#, $SYS/#, false"})
    void coverage(String rule, String requested, boolean expected) {
        assertThat(Topics.covers(rule, requested)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} matches with {1}")
    @CsvSource(nullValues = "null", value = {
        "a/b, a/b", "$share/g/a/b, a/b", "$queue/a/b, a/b", "$share/g/$SYS/#, $SYS/#", "$share/g/#, #",
        "$queue/$share/g/a, $share/g/a", "$share/g/$queue/a, $queue/a", "$share, $share", "$sharex/a, $sharex/a",
        "$share/g, null", "$share//a, null", "$share/g/, null", "$share/+/a, null", "$queue/, null"})
    void theFilterASharedSubscriptionMatchesWith(String filter, String expected) {
        assertThat(Topics.unshared(filter)).isEqualTo(expected);
    }
}
