package io.starling.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5Publish;
import io.starling.management.ManagementExtension;
import io.starling.testkit.StarlingExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;

/**
 * The dashboard in headless Chromium against a real node, with real MQTT clients (HiveMQ) on the other side: each
 * test starts from a new node whose administrator still has the default password, as an operator's first visit
 * does. The screenshots in docs/dashboard/ come from here.
 */
class DashboardBrowserTest {
    static final String PASSWORD = "dashboard-secret-1";
    @RegisterExtension
    static final BrowserExtension BROWSER = new BrowserExtension();

    @org.junit.jupiter.api.io.TempDir
    static java.nio.file.Path home;

    /** The example plugin's jar, copied there by the build as an operator would drop it into plugins/. */
    private static final java.nio.file.Path TEST_PLUGINS = java.nio.file.Path.of("target/test-plugins");

    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.extensions(true).storageType("memory")
            .allListeners().config("management.bind = \"127.0.0.1:0\"\nplugins.dir = \""
                    + TEST_PLUGINS.toAbsolutePath() + "\"\nplugins.config_dir = \"" + home.resolve("etc") + "\"\n"
                    + "authentication.password_file = \"" + home.resolve("passwd") + "\"\n"
                    + "authentication.password_iterations = 1000\n"
                    + "authorization.acl_file = \"" + AclFiles.write(home.resolve("acl.conf")) + "\"\n"));

    private final List<Mqtt5BlockingClient> clients = new ArrayList<>();

    private static Browser browser() {
        return BROWSER.browser();
    }

    @AfterEach
    void disconnect() {
        for (Mqtt5BlockingClient c : clients) {
            if (c.getState().isConnected()) {
                c.disconnect();
            }
        }
    }

    private String url() {
        return "http://127.0.0.1:" + broker.node().extension(ManagementExtension.class).server().port() + "/";
    }

    private Mqtt5BlockingClient client(String id) {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier(id).serverHost(broker.host())
                .serverPort(broker.port()).buildBlocking();
        c.connect();
        clients.add(c);
        return c;
    }

    private void go(String page) {
        browser().go(page);
    }

    private void logIn(String password) {
        browser().logIn(password);
    }

    private void firstLogin() {
        browser().firstLogin(url(), PASSWORD);
    }

    @Test
    void logsInChangesTheDefaultPasswordAndLogsOut() {
        browser().driver.get(url());
        browser().await(By.id("login-username"));
        browser().screenshot("login");
        logIn("wrong-password");
        browser().awaitText(By.id("login-error"), "bad username or password");

        logIn("public");
        browser().await(By.id("new-password"));
        assertThat(browser().driver.findElements(By.cssSelector("a[href='#/clients']")))
                .as("no page but the password change until it is changed").isEmpty();
        Cookie cookie = browser().driver.manage().getCookieNamed(SessionRoutes.COOKIE);
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.getExpiry()).as("the cookie expires").isNotNull();
        browser().type(By.id("new-password"), "short");
        browser().type(By.id("repeat-password"), "short");
        browser().driver.findElement(By.cssSelector("form[aria-label='Change password'] button")).click();
        browser().awaitText(By.cssSelector("[role=alert]"), "at least 8 characters");
        browser().type(By.id("new-password"), PASSWORD);
        browser().type(By.id("repeat-password"), PASSWORD);
        browser().screenshot("password");
        browser().driver.findElement(By.cssSelector("form[aria-label='Change password'] button")).click();

        // The overview, with the node's own figures and the live chart filling up.
        browser().awaitText(By.cssSelector("[data-field=node]"), broker.node().config().nodeName());
        Mqtt5BlockingClient publisher = client("dash-overview");
        client("dash-overview-sub").subscribeWith().topicFilter("overview/#").send();
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            publisher.publishWith().topic("overview/x").payload(new byte[8]).send();
            assertThat(browser().driver.findElement(By.cssSelector("[data-field=rate-in]")).getText())
                    .isNotIn("–", "0");
        });
        browser().awaitText(By.cssSelector("[data-field=connections]"), "2");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            publisher.publishWith().topic("overview/x").payload(new byte[8]).send();
            assertThat(browser().driver.findElement(By.cssSelector(".chart")).getAttribute("data-points"))
                    .as("samples in the chart").isIn("4", "5", "6", "7", "8");
        });
        browser().screenshot("overview");

        browser().driver.findElement(By.xpath("//button[normalize-space()='Log out']")).click();
        browser().await(By.id("login-username"));
        assertThat(browser().driver.manage().getCookieNamed(SessionRoutes.COOKIE)).isNull();
        logIn("public");
        browser().awaitText(By.id("login-error"), "bad username or password");
        logIn(PASSWORD);
        browser().await(By.cssSelector("a[href='#/clients']"));
        assertThat(browser().driver.findElements(By.id("new-password"))).as("changed already: no forced change").isEmpty();
    }

    @Test
    void aConnectedClientIsListedShownAndKicked() {
        Mqtt5BlockingClient victim = client("dash-kick-me");
        victim.subscribeWith().topicFilter("kick/+/state").qos(MqttQos.AT_LEAST_ONCE).send();
        client("dash-stays");
        firstLogin();
        go("clients");
        browser().type(By.id("c-id"), "kick");
        browser().driver.findElement(By.cssSelector("form[aria-label='Search clients'] button")).click();
        browser().await(By.cssSelector("tr[data-clientid='dash-kick-me']"));
        browser().waiting().until(ExpectedConditions.invisibilityOfElementLocated(
                By.cssSelector("tr[data-clientid='dash-stays']")));
        // A filter on the protocol: no STOMP client is called that, the MQTT one is.
        new org.openqa.selenium.support.ui.Select(browser().await(By.id("c-proto"))).selectByValue("STOMP");
        browser().driver.findElement(By.cssSelector("form[aria-label='Search clients'] button")).click();
        browser().awaitText(By.cssSelector("table[aria-label=Clients] tbody"), "No clients match.");
        new org.openqa.selenium.support.ui.Select(browser().await(By.id("c-proto"))).selectByValue("MQTT");
        browser().driver.findElement(By.cssSelector("form[aria-label='Search clients'] button")).click();
        browser().await(By.cssSelector("tr[data-clientid='dash-kick-me']"));

        browser().driver.findElement(By.linkText("dash-kick-me")).click();
        browser().awaitText(By.cssSelector("article.detail"), "kick/+/state");
        browser().screenshot("clients");

        browser().driver.findElement(By.cssSelector("button[aria-label='Kick dash-kick-me']")).click();
        browser().driver.findElement(By.cssSelector("button[aria-label='Confirm: kick dash-kick-me']")).click();
        browser().awaitText(By.cssSelector("[role=status]"), "dash-kick-me was disconnected");
        await().atMost(Duration.ofSeconds(10)).until(() -> !victim.getState().isConnected());
        browser().waiting().until(ExpectedConditions.invisibilityOfElementLocated(
                By.cssSelector("tr[data-clientid='dash-kick-me'] button[aria-label='Kick dash-kick-me']")));
    }

    @Test
    void findsASubscriptionByFilterWithTheClientBesideIt() {
        client("dash-thermo").subscribeWith().topicFilter("sensors/+/temp").send();
        client("dash-hygro").subscribeWith().topicFilter("sensors/+/humidity").send();
        firstLogin();
        go("subscriptions");
        browser().type(By.id("s-topic"), "sensors/+/temp");
        browser().driver.findElement(By.cssSelector("form[aria-label='Search subscriptions'] button")).click();
        browser().waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.xpath(
                "//table[@aria-label='Subscriptions']//td[text()='sensors/+/humidity']")));
        WebElement row = browser().await(By.xpath("//table[@aria-label='Subscriptions']//tr[td[text()='sensors/+/temp']]"));
        assertThat(row.getText()).contains("dash-thermo");

        browser().type(By.id("s-topic"), "");
        browser().type(By.id("s-match"), "sensors/kitchen/humidity");
        browser().driver.findElement(By.cssSelector("form[aria-label='Search subscriptions'] button")).click();
        browser().await(By.xpath("//table[@aria-label='Subscriptions']//tr[td/a[text()='dash-hygro']]"));
        browser().waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.xpath(
                "//table[@aria-label='Subscriptions']//td[text()='sensors/+/temp']")));
        browser().type(By.id("s-match"), "");
        browser().driver.findElement(By.cssSelector("form[aria-label='Search subscriptions'] button")).click();
        browser().await(By.xpath("//table[@aria-label='Subscriptions']//tr[td/a[text()='dash-thermo']]"));
        browser().screenshot("subscriptions");
    }

    @Test
    void showsARetainedPayloadAsJsonAndHexAndDeletesIt() {
        Mqtt5BlockingClient c = client("dash-retainer");
        c.publishWith().topic("config/device/42").retain(true).qos(MqttQos.AT_LEAST_ONCE)
                .payload("{\"interval\":30,\"name\":\"pump\"}".getBytes(StandardCharsets.UTF_8)).send();
        c.publishWith().topic("config/device/43").retain(true).qos(MqttQos.AT_LEAST_ONCE)
                .payload(new byte[] {0, 1, 2, (byte) 0xff}).send();
        firstLogin();
        go("retained");
        browser().driver.findElement(By.linkText("config/device/42")).click();
        browser().awaitText(By.cssSelector("[data-field=payload]"), "\"interval\": 30");
        browser().driver.findElement(By.xpath("//button[normalize-space()='HEX']")).click();
        browser().awaitText(By.cssSelector("[data-field=payload]"), "7b 22 69 6e");
        browser().driver.findElement(By.xpath("//button[normalize-space()='JSON']")).click();
        browser().screenshot("retained");

        browser().driver.findElement(By.cssSelector("button[aria-label='Delete config/device/42']")).click();
        browser().driver.findElement(By.cssSelector("button[aria-label='Confirm: delete config/device/42']")).click();
        browser().awaitText(By.cssSelector("[role=status]"), "config/device/42 was deleted");
        browser().waiting().until(ExpectedConditions.invisibilityOfElementLocated(
                By.cssSelector("tr[data-topic='config/device/42']")));
        browser().await(By.cssSelector("tr[data-topic='config/device/43']"));
        assertThat(broker.node().services().retained().entry("config/device/42")).isEmpty();
        assertThat(broker.node().services().retained().entry("config/device/43")).isPresent();
    }

    @Test
    void publishesFromTheFormToARealSubscriber() throws Exception {
        Mqtt5BlockingClient subscriber = client("dash-listener");
        try (Mqtt5BlockingClient.Mqtt5Publishes publishes = subscriber.publishes(MqttGlobalPublishFilter.ALL)) {
            subscriber.subscribeWith().topicFilter("devices/+/command").qos(MqttQos.AT_LEAST_ONCE).send();
            firstLogin();
            go("publish");
            browser().type(By.id("p-topic"), "devices/7/command");
            browser().type(By.id("p-payload"), "{\"valve\": \"open\"}");
            browser().driver.findElement(By.cssSelector("#p-qos option[value='1']")).click();
            browser().type(By.id("p-content-type"), "application/json");
            browser().driver.findElement(By.cssSelector("form[aria-label='Publish a message'] button[type=submit]"))
                    .click();
            browser().awaitText(By.cssSelector("[data-field=publish-status]"), "delivered to 1 subscriber");
            browser().screenshot("publish");
            Optional<Mqtt5Publish> got = publishes.receive(10, TimeUnit.SECONDS);
            assertThat(got).isPresent();
            assertThat(got.get().getTopic().toString()).isEqualTo("devices/7/command");
            assertThat(new String(got.get().getPayloadAsBytes(), StandardCharsets.UTF_8)).isEqualTo("{\"valve\": \"open\"}");
            assertThat(got.get().getQos()).isEqualTo(MqttQos.AT_LEAST_ONCE);
            assertThat(got.get().getContentType().map(Object::toString)).hasValue("application/json");
        }
    }

    @Test
    void fitsAPhoneWidthAndIsUsableByKeyboard() {
        client("dash-phone");
        firstLogin();
        browser().size(390, 844);
        for (String page : List.of("clients", "sessions", "subscriptions", "retained", "publish", "viewer", "metrics",
                "cluster", "bridges", "stomp", "listeners", "plugins", "access", "overview")) {
            go(page);
            Long overflow = (Long) browser().driver.executeScript(
                    "return document.documentElement.scrollWidth - window.innerWidth;");
            Object wide = browser().driver.executeScript("return [...document.querySelectorAll('body *')]"
                    + ".filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)"
                    + ".filter(e => !e.parentElement.closest('.overflow-auto'))"
                    + ".slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
                    + ".join(', ');");
            assertThat(overflow).as("%s scrolls sideways at 390 px: %s", page, wide).isLessThanOrEqualTo(0L);
            Object focused = browser().driver.executeScript("return document.activeElement.tagName;");
            assertThat(focused).as("%s: focus on the page's heading", page).isEqualTo("H1");
        }
        go("overview");
        browser().awaitText(By.cssSelector("[data-field=connections]"), "1");
        browser().screenshot("overview-phone");
        // The first Tab stop, shown when focused, skips the navigation to the page's heading.
        assertThat(browser().driver.executeScript("return document.querySelector('a[href], button, input, select, "
                + "textarea') === document.querySelector('a.skip');")).isEqualTo(true);
        browser().driver.executeScript("document.querySelector('a.skip').focus();");
        WebElement skip = browser().driver.switchTo().activeElement();
        assertThat(skip.getText()).isEqualTo("Skip to the page");
        skip.sendKeys(org.openqa.selenium.Keys.ENTER);
        assertThat(browser().driver.switchTo().activeElement().getTagName()).isEqualToIgnoringCase("h1");
        // Every form field has a label.
        go("publish");
        Long unlabelled = (Long) browser().driver.executeScript("return [...document.querySelectorAll('input, select, "
                + "textarea')].filter(e => !e.labels || e.labels.length === 0).length;");
        assertThat(unlabelled).isZero();
    }

    @Test
    void loadsAndUnloadsAPluginAndStopsAndStartsAListener() {
        firstLogin();
        go("plugins");
        By state = By.cssSelector("tr[data-plugin='starling-plugin-template'] [data-field=state]");
        browser().awaitText(state, "not loaded");
        browser().driver.findElement(By.cssSelector("button[aria-label='Load starling-plugin-template']")).click();
        browser().waiting().until(ExpectedConditions.textToBe(state, "loaded"));
        assertThat(broker.node().plugins().list()).anySatisfy(p -> {
            assertThat(p.name()).isEqualTo("starling-plugin-template");
            assertThat(p.loaded()).isTrue();
        });
        browser().screenshot("plugins");
        browser().driver.findElement(By.cssSelector("button[aria-label='Unload starling-plugin-template']")).click();
        browser().waiting().until(ExpectedConditions.textToBe(state, "not loaded"));

        go("listeners");
        By ws = By.cssSelector("tr[data-listener='ws:default'] [data-field=state]");
        browser().awaitText(ws, "running");
        browser().driver.findElement(By.cssSelector("button[aria-label='Stop ws:default']")).click();
        browser().waiting().until(ExpectedConditions.textToBe(ws, "stopped"));
        assertThat(broker.node().listenerStatus()).anySatisfy(l -> {
            assertThat(l.id()).isEqualTo("ws:default");
            assertThat(l.running()).isFalse();
        });
        browser().driver.findElement(By.cssSelector("button[aria-label='Start ws:default']")).click();
        browser().waiting().until(ExpectedConditions.textToBe(ws, "running"));
        browser().screenshot("listeners");
    }

    @Test
    void theTopicViewerShowsMessagesAsTheyArriveOverWebSocket() {
        Mqtt5BlockingClient publisher = client("dash-viewer-source");
        firstLogin();
        go("viewer");
        browser().waiting().until(d -> d.findElement(By.id("v-url")).getAttribute("value").endsWith("/mqtt"));
        browser().driver.findElement(By.cssSelector("form[aria-label='Connect the viewer'] button")).click();
        browser().type(By.id("v-filter"), "viewer/#");
        browser().driver.findElement(By.xpath("//button[normalize-space()='Subscribe']")).click();
        browser().awaitText(By.cssSelector("[data-field=viewer-state]"), "subscribed to viewer/#");
        publisher.publishWith().topic("viewer/kitchen/temp").payload("21.5".getBytes(StandardCharsets.UTF_8)).send();
        publisher.publishWith().topic("elsewhere/x").payload("no".getBytes(StandardCharsets.UTF_8)).send();
        publisher.publishWith().topic("viewer/hall/temp").payload("19.0".getBytes(StandardCharsets.UTF_8)).send();
        browser().await(By.xpath("//table[@aria-label='Messages received']//tr[td[text()='viewer/hall/temp']]"));
        String table = browser().driver.findElement(By.cssSelector("table[aria-label='Messages received']")).getText();
        assertThat(table).contains("viewer/kitchen/temp", "21.5", "19.0").doesNotContain("elsewhere/x");
        browser().screenshot("viewer");
    }

    @Test
    void listsAnOfflinePersistentSessionAndClearsIt() {
        Mqtt5BlockingClient c = Mqtt5Client.builder().identifier("dash-persistent").serverHost(broker.host())
                .serverPort(broker.port()).buildBlocking();
        c.connectWith().cleanStart(true).sessionExpiryInterval(3600).send();
        c.subscribeWith().topicFilter("queued/#").qos(MqttQos.AT_LEAST_ONCE).send();
        c.disconnect();
        client("dash-publisher").publishWith().topic("queued/1").qos(MqttQos.AT_LEAST_ONCE).payload(new byte[3]).send();
        firstLogin();
        go("sessions");
        browser().driver.findElement(By.cssSelector("#se-state option[value='disconnected']")).click();
        browser().driver.findElement(By.cssSelector("form[aria-label='Search sessions'] button")).click();
        WebElement row = browser().await(By.cssSelector("tr[data-session='dash-persistent']"));
        browser().waiting().until(ExpectedConditions.invisibilityOfElementLocated(
                By.cssSelector("tr[data-session='dash-publisher']")));
        assertThat(row.getText()).contains("offline", "3600");
        browser().screenshot("sessions");
        browser().driver.findElement(By.cssSelector("button[aria-label='Clear the session of dash-persistent']")).click();
        browser().driver.findElement(By.cssSelector("button[aria-label='Confirm: clear the session of dash-persistent']"))
                .click();
        browser().awaitText(By.cssSelector("[role=status]"), "dash-persistent was cleared");
        browser().waiting().until(ExpectedConditions.invisibilityOfElementLocated(
                By.cssSelector("tr[data-session='dash-persistent']")));
        assertThat(broker.node().services().sessions().get("dash-persistent")).isNull();
    }

    @Test
    void addsAnMqttUserAndCreatesAnApiKeyThatWorks() throws Exception {
        firstLogin();
        go("access");
        browser().type(By.id("u-name"), "sensor-1");
        browser().type(By.id("u-password"), "sensor-pass-1");
        browser().driver.findElement(By.xpath("//button[normalize-space()='Add user']")).click();
        browser().await(By.cssSelector("tr[data-user='sensor-1']"));
        assertThat(broker.node().users().check("sensor-1", "sensor-pass-1".getBytes(StandardCharsets.UTF_8))).isTrue();

        browser().driver.findElement(By.xpath("//button[normalize-space()='Create key']")).click();
        String key = browser().await(By.cssSelector("[data-field=new-key]")).getText();
        String secret = browser().driver.findElement(By.cssSelector("[data-field=new-secret]")).getText();
        browser().screenshot("access");
        // The ACL file's rules, in order, read only.
        WebElement acl = browser().await(By.cssSelector("table[aria-labelledby=acl-rules]"));
        browser().driver.executeScript("arguments[0].scrollIntoView()", browser().driver.findElement(By.id("acl-rules")));
        assertThat(acl.findElements(By.cssSelector("tbody tr[data-rule]"))).hasSize(AclFiles.RULES);
        assertThat(acl.findElement(By.cssSelector("tr[data-rule='1']")).getText()).contains("deny", "all",
                "subscribe", "eq #");
        assertThat(acl.findElement(By.cssSelector("tr[data-rule='2']")).getText()).contains("allow",
                "user sensor-1", "publish", "sensors/%c/#");
        assertThat(browser().driver.findElement(By.cssSelector("[data-field=acl-summary]")).getText())
                .contains("acl.conf", "first that matches");
        browser().screenshot("acl");
        java.net.http.HttpResponse<String> stats = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create(url() + "api/v5/stats")).header("Authorization",
                        "Basic " + java.util.Base64.getEncoder().encodeToString((key + ":" + secret).getBytes(
                                StandardCharsets.UTF_8))).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(stats.statusCode()).as("the new key calls the API").isEqualTo(200);

        browser().driver.findElement(By.cssSelector("button[aria-label='Delete user sensor-1']")).click();
        browser().driver.findElement(By.cssSelector("button[aria-label='Confirm: delete user sensor-1']")).click();
        browser().waiting().until(ExpectedConditions.invisibilityOfElementLocated(By.cssSelector("tr[data-user='sensor-1']")));
        assertThat(broker.node().users().contains("sensor-1")).isFalse();
    }

    @Test
    void showsTheMetricsAndTheClusterAndAsksForALoginWhenTheSessionEnds() {
        client("dash-metrics").publishWith().topic("nobody/listens").payload(new byte[1]).send();
        firstLogin();
        go("metrics");
        browser().type(By.id("m-filter"), "dropped");
        browser().awaitText(By.cssSelector("tr[data-metric='messages.dropped.no_subscribers']"), "1");
        assertThat(browser().driver.findElements(By.cssSelector("tr[data-metric='messages.received']"))).isEmpty();
        browser().screenshot("metrics");
        go("cluster");
        browser().awaitText(By.cssSelector("[data-field=cluster-summary]"), "runs alone");
        browser().awaitText(By.cssSelector("tr[data-node='" + broker.node().config().nodeName() + "']"), "this node");

        // The session is gone (as when the cookie reaches its Max-Age, or the node ends it): the next request shows
        // the login form with a note.
        browser().driver.manage().deleteCookieNamed(SessionRoutes.COOKIE);
        browser().driver.findElement(By.cssSelector("a[href='#/overview']")).click();
        browser().awaitText(By.cssSelector("main.login"), "Your session has ended");
        logIn(PASSWORD);
        browser().await(By.cssSelector("a[href='#/clients']"));
    }
}
