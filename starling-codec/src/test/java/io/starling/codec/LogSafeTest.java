package io.starling.codec;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class LogSafeTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "dev-1", "a b/c+#%u'\"", "caf\u00e9 \u6e29\u5ea6 \ud83d\ude00"})
    void textWithNothingToEscapeIsTheSameInstance(String text) {
        assertThat(LogSafe.escape(text)).isSameAs(text);
    }

    static Stream<Arguments> escapes() {
        return Stream.of(Arguments.of("a\nb", "a\\nb"), Arguments.of("a\r\nINFO x", "a\\r\\nINFO x"),
                Arguments.of("\tx", "\\tx"), Arguments.of("back\\slash", "back\\\\slash"),
                Arguments.of("\u001b[31m", "\\u001b[31m"), Arguments.of("\u0000", "\\u0000"),
                Arguments.of("\u007f\u0085\u009f", "\\u007f\\u0085\\u009f"),
                Arguments.of("x\u2028y\u2029", "x\\u2028y\\u2029"), Arguments.of("\u202eevil\u2066", "\\u202eevil\\u2066"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("escapes")
    void controlCharactersBecomeEscapes(String text, String expected) {
        assertThat(LogSafe.escape(text)).isEqualTo(expected);
    }

    @Test
    void nullStaysNull() {
        assertThat(LogSafe.escape(null)).isNull();
    }
}
