package io.starling.it.listeners;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.OpenSsl;
import org.junit.jupiter.api.Test;

/** TLS listeners on BoringSSL through netty-tcnative, which the distribution ships. */
class TlsOnOpenSslTest extends TlsListenerTest {
    @Override
    String engine() {
        return "openssl";
    }

    @Test
    void theOpenSslEngineLoadsHere() {
        assertThat(OpenSsl.isAvailable()).as("netty-tcnative: %s", OpenSsl.unavailabilityCause()).isTrue();
    }
}
