package io.starling.auth.ldap;

import io.starling.auth.common.BackendSettings;
import io.starling.auth.common.Settings;
import io.starling.auth.common.Template;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The LDAP backend's settings, from {@code etc/plugins/starling-auth-ldap.conf}.
 *
 * @param url                 {@code ldap://host:389} or {@code ldaps://host:636}
 * @param startTls            upgrade an {@code ldap://} connection with StartTLS
 * @param caFile              PEM certificates the server's must chain to; null: the JDK's trust store
 * @param verifyHostname      the server's certificate must name the url's host (true, the default); false is
 *                            unsafe: any certificate the CA signed, for any host, is taken
 * @param bindDn              the account the plugin searches with; null: anonymous
 * @param baseDn              where users are searched
 * @param filter              finds the user's entry; values are escaped as LDAP filter values
 * @param bindAsUser          verify the password by binding as the user's entry (true), or by an LDAP compare of
 *                            {@code passwordAttribute}
 * @param superuserAttribute  an attribute that, when TRUE, makes the user a superuser; null: none
 * @param publishAttribute    topics the user may publish to (ACL from attributes); likewise subscribe and both
 */
record LdapSettings(URI url, boolean startTls, Path caFile, boolean verifyHostname, String bindDn,
        String bindPassword, String baseDn,
        Template filter, boolean bindAsUser, String passwordAttribute, String superuserAttribute,
        String publishAttribute, String subscribeAttribute, String pubsubAttribute, boolean acl,
        BackendSettings backend) {

    static LdapSettings from(Map<String, String> s) {
        URI url = URI.create(s.getOrDefault("url", "ldap://127.0.0.1:389").trim());
        if (!"ldap".equals(url.getScheme()) && !"ldaps".equals(url.getScheme())) {
            throw new IllegalArgumentException("url '" + url + "' is not ldap:// or ldaps://");
        }
        String method = s.getOrDefault("method", "bind").trim().toLowerCase(Locale.ROOT);
        if (!method.equals("bind") && !method.equals("compare")) {
            throw new IllegalArgumentException("method must be bind or compare, was '" + method + "'");
        }
        String baseDn = Settings.optional(s, "base_dn");
        if (baseDn == null) {
            throw new IllegalArgumentException("base_dn is not set: where are the users?");
        }
        String ca = Settings.optional(s, "ssl.cacertfile");
        Template filter;
        try {
            filter = Template.parse(s.getOrDefault("filter", "(uid=%u)"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("filter " + e.getMessage());
        }
        return new LdapSettings(url, Settings.flag(s, "start_tls", false), ca == null ? null : Path.of(ca),
                Settings.flag(s, "ssl.verify_hostname", true),
                Settings.optional(s, "bind_dn"), s.getOrDefault("bind_password", ""), baseDn, filter,
                method.equals("bind"), s.getOrDefault("password_attribute", "userPassword").trim(),
                Settings.optional(s, "superuser_attribute"),
                s.getOrDefault("publish_attribute", "mqttPublishTopic").trim(),
                s.getOrDefault("subscribe_attribute", "mqttSubscriptionTopic").trim(),
                s.getOrDefault("pubsub_attribute", "mqttPubSubTopic").trim(), Settings.flag(s, "acl", true),
                BackendSettings.from(s, 50));
    }

    boolean tls() {
        return "ldaps".equals(url.getScheme()) || startTls;
    }

    int port() {
        return url.getPort() > 0 ? url.getPort() : "ldaps".equals(url.getScheme()) ? 636 : 389;
    }
}
