package io.starling.auth.http;

import io.starling.auth.common.Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Map;

/**
 * The plugin's settings, from {@code etc/plugins/starling-auth-http.conf}.
 *
 * @param authUrl    where CONNECTs are checked; null: the plugin does not authenticate
 * @param authParams the request's parameters, {@code name=%x} pairs: %c client id, %u username, %P password,
 *                   %a address, %l listener, %p protocol version
 * @param aclUrl     where PUBLISH and SUBSCRIBE are checked; null: the plugin does not authorize
 * @param aclParams  as authParams, with %A access (1 subscribe, 2 publish) and %t topic
 * @param post       POST a form body (true) or GET with a query string
 * @param timeout    how long a request may take
 * @param denyOnError when the service is down, slow or answers 5xx: deny (true) or leave it to the next
 * @param maxRequests requests out to the service at once (CONNECTs and ACL checks together); one more gets the
 *                    on_error policy at once instead of piling up connections on a service that is behind
 */
record HttpAuthSettings(URI authUrl, FormTemplate authParams, URI aclUrl, FormTemplate aclParams, boolean post,
        Duration timeout, boolean denyOnError, int maxRequests) {

    static HttpAuthSettings from(Map<String, String> s) {
        String method = s.getOrDefault("method", "post").trim().toLowerCase(java.util.Locale.ROOT);
        if (!method.equals("post") && !method.equals("get")) {
            throw new IllegalArgumentException("method must be post or get, was '" + method + "'");
        }
        String onError = s.getOrDefault("on_error", "deny").trim();
        if (!onError.equals("deny") && !onError.equals("ignore")) {
            throw new IllegalArgumentException("on_error must be deny or ignore, was '" + onError + "'");
        }
        return new HttpAuthSettings(uri(s.get("auth_url")),
                FormTemplate.parse("auth_params",
                        s.getOrDefault("auth_params", "clientid=%c,username=%u,password=%P,ipaddr=%a")),
                uri(s.get("acl_url")),
                FormTemplate.parse("acl_params",
                        s.getOrDefault("acl_params", "access=%A,username=%u,clientid=%c,ipaddr=%a,topic=%t")),
                method.equals("post"), Settings.duration(s, "timeout", "5s"), onError.equals("deny"),
                Settings.positive(s, "max_requests", 128));
    }

    private static URI uri(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        URI u = URI.create(value.trim());
        if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme())) {
            throw new IllegalArgumentException("'" + value + "' is not an http or https URL");
        }
        return u;
    }
}
