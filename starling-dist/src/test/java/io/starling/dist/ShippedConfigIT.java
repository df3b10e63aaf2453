package io.starling.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.broker.config.BrokerConfig;
import io.starling.broker.config.ConfigLoader;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped etc/starling.conf promises that every value in it is the default: it must load, and be so. */
class ShippedConfigIT {
    private static final Path SHIPPED = Path.of("src/main/dist/etc/starling.conf");

    @Test
    void theShippedConfigLoadsAndHoldsTheDefaults() {
        BrokerConfig shipped = ConfigLoader.load(SHIPPED, Map.of());
        // The one deliberate difference: a packaged node lets in only the users it knows.
        assertThat(shipped.allowAnonymous()).isFalse();
        shipped = ConfigLoader.load(SHIPPED, Map.of("STARLING_AUTHENTICATION__ALLOW_ANONYMOUS", "true"));
        BrokerConfig defaults = ConfigLoader.defaults(Map.of());
        assertThat(shipped.listeners()).usingRecursiveFieldByFieldElementComparator()
                .isEqualTo(defaults.listeners());
        assertThat(shipped).usingRecursiveComparison().ignoringFields("source", "listeners").isEqualTo(defaults);
    }
}
