package io.starling.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import io.starling.management.ManagementExtension;
import io.starling.stomp.StompExtension;
import io.starling.testkit.StarlingExtension;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;

/**
 * The pages of the node's ways to other systems, in headless Chromium: a bridge to a second real node (its state,
 * counters, stop and start) and a real STOMP connection on the STOMP sessions page.
 */
class DashboardGatewaysBrowserTest {
    private static final String PASSWORD = "gateways-secret-1";
    @RegisterExtension
    static final BrowserExtension BROWSER = new BrowserExtension();

    /** The bridge's remote: a second node. */
    @RegisterExtension
    static final StarlingExtension REMOTE = StarlingExtension.create(b -> b.storageType("memory"));

    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.extensions(true).storageType("memory")
            .config("management.bind = \"127.0.0.1:0\"\nstomp.enabled = true\nstomp.tcp.bind = \"127.0.0.1:0\"\n"
                    + "bridges.up {\n addresses = [\"127.0.0.1:" + REMOTE.port() + "\"]\n protocol = \"5\"\n"
                    + " reconnect { min = 100ms, max = 500ms }\n topics = [\"dash/# out 1\"]\n}\n"));

    private static Browser browser() {
        return BROWSER.browser();
    }

    private String url() {
        return "http://127.0.0.1:" + broker.node().extension(ManagementExtension.class).server().port() + "/";
    }

    @Test
    void listsABridgeWithItsCountersAndStopsAndStartsIt() {
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.node().bridges().list().get(0).state()
                .equals("connected"));
        Mqtt5BlockingClient publisher = Mqtt5Client.builder().identifier("dash-bridged").serverHost(broker.host())
                .serverPort(broker.port()).buildBlocking();
        publisher.connect();
        try {
            publisher.publishWith().topic("dash/1").payload("over".getBytes(StandardCharsets.UTF_8)).send();
        } finally {
            publisher.disconnect();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.node().bridges().list().get(0).forwarded() == 1);

        browser().firstLogin(url(), PASSWORD);
        browser().go("bridges");
        browser().awaitText(By.cssSelector("tr[data-bridge='up'] [data-field=state]"), "connected");
        browser().awaitText(By.cssSelector("tr[data-bridge='up'] [data-field=forwarded]"), "1");
        assertThat(browser().driver.findElement(By.cssSelector("tr[data-bridge='up']")).getText())
                .contains("127.0.0.1:" + REMOTE.port());
        browser().screenshot("bridges");
        int logOut = browser().driver.findElement(By.xpath("//button[text()='Log out']")).getLocation().getY();
        int firstPage = browser().driver.findElement(By.cssSelector("a[href='#/overview']:not(.brand)")).getLocation()
                .getY();
        assertThat(Math.abs(logOut - firstPage)).as("the pages and the user on one line at 1280 px").isLessThan(20);

        browser().driver.findElement(By.cssSelector("button[aria-label='Stop up']")).click();
        browser().awaitText(By.cssSelector("[role=status]"), "Bridge up stopped.");
        browser().awaitText(By.cssSelector("tr[data-bridge='up'] [data-field=state]"), "stopped");
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.node().bridges().list().get(0).state()
                .equals("stopped"));
        browser().driver.findElement(By.cssSelector("button[aria-label='Start up']")).click();
        browser().awaitText(By.cssSelector("[role=status]"), "Bridge up started.");
        await().atMost(Duration.ofSeconds(10)).until(() -> broker.node().bridges().list().get(0).state()
                .equals("connected"));
    }

    @Test
    void theStompPageListsAStompConnectionAndNotTheMqttOnes() throws Exception {
        Mqtt5BlockingClient mqtt = Mqtt5Client.builder().identifier("dash-mqtt-only").serverHost(broker.host())
                .serverPort(broker.port()).buildBlocking();
        mqtt.connect();
        int stompPort = broker.node().extension(StompExtension.class).server().tcpPort();
        try (Socket stomp = new Socket("127.0.0.1", stompPort)) {
            OutputStream out = stomp.getOutputStream();
            out.write("CONNECT\naccept-version:1.2\nhost:localhost\n\n\0".getBytes(StandardCharsets.UTF_8));
            out.write("SUBSCRIBE\nid:0\ndestination:/topic/dash.stomp\n\n\0".getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = stomp.getInputStream();
            byte[] connected = new byte[9];
            assertThat(in.readNBytes(connected, 0, 9)).isEqualTo(9);
            assertThat(new String(connected, StandardCharsets.UTF_8)).isEqualTo("CONNECTED");

            browser().firstLogin(url(), PASSWORD);
            browser().go("stomp");
            browser().awaitText(By.id("clients-title"), "STOMP sessions");
            assertThat(new Select(browser().await(By.id("c-proto"))).getFirstSelectedOption().getAttribute("value"))
                    .isEqualTo("STOMP");
            browser().await(By.cssSelector("table[aria-label=Clients] tbody tr[data-clientid]"));
            String table = browser().driver.findElement(By.cssSelector("table[aria-label=Clients] tbody")).getText();
            assertThat(table).contains("STOMP").doesNotContain("dash-mqtt-only");
            browser().screenshot("stomp");
        } finally {
            mqtt.disconnect();
        }
    }
}
