package io.starling.management;

import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.net.URI;
import java.util.Locale;

/**
 * What a web page elsewhere could make a browser send to the API (cross-site request forgery): the browser adds
 * the Basic credentials it holds for the API to such a request, so the request itself must show it is not one.
 * A request a browser sends from another origin says so in {@code Origin} or {@code Sec-Fetch-Site} and is
 * refused (403); a request without them (curl, scripts, the API's own pages) is not. A body is read only when it
 * is declared {@code application/json} (415 otherwise): an HTML form can send text/plain, form-urlencoded and
 * multipart bodies cross-origin without asking the API first, but not JSON.
 */
final class RequestGuard {

    private RequestGuard() {
    }

    /** Throws 403 for a browser's request from another origin than the API's own. */
    static void sameOrigin(Context ctx) {
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null && !site.equals("same-origin") && !site.equals("none")) {
            throw crossOrigin("Sec-Fetch-Site: " + site);
        }
        String origin = ctx.header("Origin");
        if (origin != null && !origin.equalsIgnoreCase(ownOrigin(ctx))) {
            throw crossOrigin("Origin: " + origin);
        }
    }

    /** Throws 415 for a request that carries a body, or declares one, that is not JSON. */
    static void jsonBody(Context ctx) {
        HandlerType method = ctx.method();
        if (method == HandlerType.GET || method == HandlerType.HEAD || method == HandlerType.OPTIONS) {
            return;
        }
        String type = ctx.header("Content-Type");
        boolean body = ctx.contentLength() > 0 || ctx.header("Transfer-Encoding") != null;
        if (type == null && !body) {
            return;
        }
        String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json")) {
            throw new ApiException(415, "UNSUPPORTED_MEDIA_TYPE", "the body must be JSON with Content-Type: "
                    + "application/json, was " + (type == null ? "no Content-Type" : "'" + type + "'")
                    + " (curl: -H 'Content-Type: application/json')");
        }
    }

    /**
     * {@code scheme://host[:port]} as a browser would write this API's origin, from the Host the request was sent
     * to; null when Host is missing or not a host[:port].
     */
    private static String ownOrigin(Context ctx) {
        String host = ctx.header("Host");
        if (host == null || host.isBlank()) {
            return null;
        }
        try {
            URI u = new URI(ctx.scheme() + "://" + host.trim());
            if (u.getHost() == null || u.getRawPath() == null || !u.getRawPath().isEmpty() || u.getRawQuery() != null
                    || u.getUserInfo() != null) {
                return null;
            }
            // A browser leaves the scheme's own port out of Origin.
            boolean defaultPort = u.getPort() == -1 || u.getPort() == (u.getScheme().equals("https") ? 443 : 80);
            return u.getScheme() + "://" + u.getHost() + (defaultPort ? "" : ":" + u.getPort());
        } catch (java.net.URISyntaxException e) {
            return null;
        }
    }

    private static ApiException crossOrigin(String what) {
        return new ApiException(403, "CROSS_ORIGIN_REFUSED", "a browser request from another origin (" + what
                + ") is refused: the API takes requests only from its own origin and from clients that are not "
                + "browsers");
    }
}
