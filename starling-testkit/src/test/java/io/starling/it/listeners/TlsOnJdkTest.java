package io.starling.it.listeners;

/** TLS listeners on the JDK's TLS. */
class TlsOnJdkTest extends TlsListenerTest {
    @Override
    String engine() {
        return "jdk";
    }
}
