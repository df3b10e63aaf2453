package io.starling.dist;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.api.ClientInfo;
import io.starling.api.auth.Authorizer.Action;
import io.starling.api.auth.Authorizer.Decision;
import io.starling.broker.config.BrokerConfig;
import io.starling.broker.security.AclAuthorizer;
import java.net.InetSocketAddress;
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

    @Test
    void theShippedAclKeepsSysToSuperusersAndRefusesHash() {
        AclAuthorizer acl = new AclAuthorizer(Path.of("src/main/dist/etc/acl.conf"), () -> { });
        ClientInfo anyone = new ClientInfo("device-1", "alice", new InetSocketAddress("127.0.0.1", 5000), 5, "tcp:default");
        assertThat(decide(acl, anyone, Action.SUBSCRIBE, "$SYS/brokers/+/uptime")).isEqualTo(Decision.DENY);
        assertThat(decide(acl, anyone, Action.PUBLISH, "$SYS/forged")).isEqualTo(Decision.DENY);
        assertThat(decide(acl, anyone, Action.SUBSCRIBE, "#")).isEqualTo(Decision.DENY);
        assertThat(decide(acl, anyone, Action.SUBSCRIBE, "devices/#")).isEqualTo(Decision.ALLOW);
        assertThat(decide(acl, anyone, Action.PUBLISH, "devices/device-1/temp")).isEqualTo(Decision.ALLOW);
    }

    private static Decision decide(AclAuthorizer acl, ClientInfo client, Action action, String topic) {
        return acl.authorize(client, action, topic).toCompletableFuture().join();
    }
}
