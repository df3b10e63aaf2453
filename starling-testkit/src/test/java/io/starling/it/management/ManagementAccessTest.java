package io.starling.it.management;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.starling.broker.security.UserDatabase;
import io.starling.testkit.StarlingExtension;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.Collections;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who may use the management API, from where, and how, with a real HTTP client against a node listening on every
 * address: the published default password only from loopback, no request a browser sends from another origin,
 * no body that is not declared JSON, and API keys that may or may not manage administrators and keys.
 */
class ManagementAccessTest {
    @TempDir
    static Path home;

    @RegisterExtension
    final StarlingExtension broker = StarlingExtension.create(b -> b.extensions(true).storageType("memory")
            .config("management.bind = \"0.0.0.0:0\"\nmanagement.max_login_failures = 3\n"
                    + "management.api_keys_file = \"" + home.resolve("api_keys") + "\"\n"));

    /** A key written before keys had roles: its line carries no flag. */
    @BeforeAll
    static void aKeyFromBeforeRoles() {
        new UserDatabase(home.resolve("api_keys"), 1000, 4096).add("sk_old", "old-secret".toCharArray(), false);
    }

    /** An IPv4 address of this host that is not loopback; the test is skipped on a host without one. */
    private static String outsideAddress() throws SocketException {
        for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (i.isUp() && !i.isLoopback()) {
                for (InetAddress a : Collections.list(i.getInetAddresses())) {
                    if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
                        return a.getHostAddress();
                    }
                }
            }
        }
        Assumptions.assumeTrue(false, "*** SKIPPED: this host has no address but loopback");
        return null;
    }

    @Test
    void theDefaultPasswordIsTakenOnlyFromLoopback() throws Exception {
        ManagementApi remote = new ManagementApi(broker).via(outsideAddress());
        ManagementApi.Answer refused = remote.get("/api/v5/nodes");
        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().get("code").asText()).isEqualTo("DEFAULT_PASSWORD_FROM_LOOPBACK_ONLY");
        assertThat(refused.json().get("message").asText()).contains("default password").contains("loopback");
        ManagementApi.Answer change = remote.put("/api/v5/admins/admin/password", "{\"new_password\": \"mine-now-1\"}");
        assertThat(change.status()).as("the first caller from elsewhere does not get to set it").isEqualTo(403);
        assertThat(remote.as("admin", "guess").get("/api/v5/nodes").status()).as("a wrong password").isEqualTo(401);

        ManagementApi admin = new ManagementApi(broker).firstLogin();
        assertThat(admin.via(outsideAddress()).get("/api/v5/nodes").status()).as("changed: from anywhere")
                .isEqualTo(200);
        assertThat(remote.get("/api/v5/nodes").status()).as("the old default").isEqualTo(401);
    }

    @Test
    void aBrowserRequestFromAnotherOriginIsRefused() {
        ManagementApi api = new ManagementApi(broker).firstLogin();
        String self = "http://127.0.0.1:" + api.port();
        for (String[] foreign : new String[][] {{"Origin", "http://evil.example"}, {"Origin", "null"},
                {"Origin", "http://127.0.0.1:1"}, {"Sec-Fetch-Site", "cross-site"}, {"Sec-Fetch-Site", "same-site"}}) {
            ManagementApi.Answer a = api.request("POST", "/api/v5/api_key", "{}", "Content-Type", "application/json",
                    foreign[0], foreign[1]);
            assertThat(a.status()).as(String.join(": ", foreign)).isEqualTo(403);
            assertThat(a.json().get("code").asText()).isEqualTo("CROSS_ORIGIN_REFUSED");
            assertThat(api.request("GET", "/api/v5/nodes", null, foreign[0], foreign[1]).status())
                    .as("GET too: " + String.join(": ", foreign)).isEqualTo(403);
        }
        assertThat(api.request("POST", "/api/v5/api_key", "{}", "Content-Type", "application/json", "Origin", self,
                "Sec-Fetch-Site", "same-origin").status()).as("the API's own origin").isEqualTo(201);
        assertThat(api.request("GET", "/api/v5/nodes", null, "Sec-Fetch-Site", "none").status())
                .as("typed into the address bar").isEqualTo(200);
        assertThat(api.get("/api/v5/nodes").status()).as("no Origin: curl, scripts").isEqualTo(200);
    }

    @Test
    void aBodyIsTakenOnlyWhenDeclaredJson() {
        ManagementApi api = new ManagementApi(broker).firstLogin();
        String message = "{\"topic\": \"csrf/x\", \"payload\": \"hi\"}";
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data"}) {
            ManagementApi.Answer a = api.request("POST", "/api/v5/publish", message, "Content-Type", type);
            assertThat(a.status()).as(type).isEqualTo(415);
            assertThat(a.json().get("code").asText()).isEqualTo("UNSUPPORTED_MEDIA_TYPE");
            assertThat(a.json().get("message").asText()).contains("application/json");
        }
        assertThat(api.request("POST", "/api/v5/publish", message).status()).as("a body without a type")
                .isEqualTo(415);
        assertThat(api.request("POST", "/api/v5/publish", message, "Content-Type", "application/json; charset=utf-8")
                .status()).isEqualTo(200);
        assertThat(api.request("POST", "/api/v5/api_key", null).status()).as("no body, no type").isEqualTo(201);
    }

    @Test
    void onlyAnAdministratorKeyManagesAdministratorsAndKeys() {
        ManagementApi admin = new ManagementApi(broker).firstLogin();
        JsonNode created = admin.post("/api/v5/api_key", "").json();
        assertThat(created.get("role").asText()).as("the default role").isEqualTo("operator");
        ManagementApi operator = admin.as(created.get("key").asText(), created.get("secret").asText());
        ManagementApi old = admin.as("sk_old", "old-secret");
        for (ManagementApi key : new ManagementApi[] {operator, old}) {
            assertThat(key.get("/api/v5/nodes").status()).isEqualTo(200);
            assertThat(key.post("/api/v5/publish", "{\"topic\": \"k/x\"}").status()).isEqualTo(200);
            ManagementApi.Answer refused = key.post("/api/v5/admins", "{\"username\": \"x\", \"password\": \"x-secret-1\"}");
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.json().get("code").asText()).isEqualTo("FORBIDDEN");
            assertThat(refused.json().get("message").asText()).contains("operator");
            assertThat(key.get("/api/v5/admins").status()).isEqualTo(403);
            assertThat(key.put("/api/v5/admins/admin/password", "{\"new_password\": \"taken-over-1\"}").status())
                    .isEqualTo(403);
            assertThat(key.post("/api/v5/api_key", "{\"role\": \"administrator\"}").status()).isEqualTo(403);
            assertThat(key.get("/api/v5/api_key").status()).isEqualTo(403);
            assertThat(key.delete("/api/v5/api_key/" + created.get("key").asText()).status()).isEqualTo(403);
        }
        assertThat(admin.post("/api/v5/api_key", "{\"role\": \"root\"}").status()).isEqualTo(400);
        JsonNode strong = admin.post("/api/v5/api_key", "{\"role\": \"administrator\"}").json();
        assertThat(strong.get("role").asText()).isEqualTo("administrator");
        ManagementApi keyAdmin = admin.as(strong.get("key").asText(), strong.get("secret").asText());
        assertThat(keyAdmin.post("/api/v5/admins", "{\"username\": \"ops\", \"password\": \"ops-secret-1\"}").status())
                .isEqualTo(201);
        assertThat(keyAdmin.get("/api/v5/api_key").json()).anySatisfy(k -> {
            assertThat(k.get("key").asText()).isEqualTo("sk_old");
            assertThat(k.get("role").asText()).isEqualTo("operator");
        });
        assertThat(keyAdmin.delete("/api/v5/api_key/sk_old").status()).isEqualTo(204);
    }

    @Test
    void theDefaultPasswordIsNotTakenThroughAProxyOnThisHost() {
        ManagementApi local = new ManagementApi(broker);
        for (String header : new String[] {"X-Forwarded-For", "Forwarded", "X-Real-IP"}) {
            ManagementApi.Answer proxied = local.request("GET", "/api/v5/nodes", null, header, "203.0.113.9");
            assertThat(proxied.status()).as(header).isEqualTo(403);
            assertThat(proxied.json().get("code").asText()).isEqualTo("DEFAULT_PASSWORD_FROM_LOOPBACK_ONLY");
        }
        assertThat(local.get("/api/v5/nodes").status()).as("from this host itself: must change it first")
                .isEqualTo(403);
        assertThat(local.get("/api/v5/nodes").json().get("code").asText()).isEqualTo("PASSWORD_CHANGE_REQUIRED");
    }
}
