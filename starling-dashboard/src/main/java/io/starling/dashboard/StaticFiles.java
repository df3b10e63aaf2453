package io.starling.dashboard;

import io.javalin.http.Context;
import io.starling.management.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's files from the class path: its own pages under {@code dashboard/}, and the WebJars' files under
 * {@code /webjars/<name>/<path>} without their version (webjars.properties, written by the build, names it), so
 * that a new library version changes the pom only. Each answer has an ETag and must be revalidated, so that a new
 * node version is picked up at the next load and an unchanged file costs a 304.
 */
final class StaticFiles {
    /**
     * What the pages may do: scripts of this origin only ('unsafe-eval' for Vue's template compiler in the
     * browser), no framing by other sites (clickjacking), connections to this origin and to the node's MQTT
     * WebSocket listener.
     */
    static final String CSP = "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'none'; "
            + "form-action 'self'";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon",
            "json", "application/json",
            "map", "application/json");

    private final ClassLoader loader = StaticFiles.class.getClassLoader();
    private final Properties versions = new Properties();
    /** The files read so far: the set is bounded by what the jars hold. */
    private final Map<String, Optional<Resource>> cache = new ConcurrentHashMap<>();

    private record Resource(byte[] bytes, String etag, String type) {
    }

    StaticFiles() {
        try (InputStream in = loader.getResourceAsStream("webjars.properties")) {
            if (in == null) {
                throw new IllegalStateException("webjars.properties is missing from the dashboard jar");
            }
            versions.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The page itself: every route of the single-page app is a fragment of it ({@code /#/clients}). */
    void index(Context ctx) {
        serve(ctx, "dashboard/index.html");
    }

    /** {@code /assets/<path>}: the dashboard's own scripts and styles. */
    void asset(Context ctx) {
        serve(ctx, "dashboard/assets/" + clean(ctx.pathParam("path")));
    }

    /** {@code /webjars/<name>/<path>}. */
    void webjar(Context ctx) {
        String path = clean(ctx.pathParam("path"));
        int slash = path.indexOf('/');
        String version = slash < 0 ? null : versions.getProperty(path.substring(0, slash));
        if (version == null) {
            throw notFound(ctx);
        }
        serve(ctx, "META-INF/resources/webjars/" + path.substring(0, slash) + "/" + version + path.substring(slash));
    }

    private void serve(Context ctx, String resource) {
        Resource r = cache.computeIfAbsent(resource, this::read).orElseThrow(() -> notFound(ctx));
        ctx.header("Cache-Control", "no-cache");
        ctx.header("ETag", r.etag());
        ctx.header("X-Content-Type-Options", "nosniff");
        if (r.type().startsWith("text/html")) {
            ctx.header("Content-Security-Policy", CSP);
            ctx.header("X-Frame-Options", "DENY");
            ctx.header("Referrer-Policy", "no-referrer");
        }
        if (r.etag().equals(ctx.header("If-None-Match"))) {
            ctx.status(304);
            return;
        }
        ctx.contentType(r.type()).result(r.bytes());
    }

    private Optional<Resource> read(String resource) {
        String ext = resource.substring(resource.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT);
        String type = TYPES.get(ext);
        if (type == null) {
            return Optional.empty();
        }
        try (InputStream in = loader.getResourceAsStream(resource)) {
            if (in == null) {
                return Optional.empty();
            }
            byte[] bytes = in.readAllBytes();
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
            return Optional.of(new Resource(bytes, "\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"", type));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A relative path with no way out of its folder: '..', '.', empty segments and backslashes are refused. */
    private static String clean(String path) {
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty() || segment.equals("..") || segment.equals(".") || segment.contains("\\")) {
                throw new ApiException(404, "NOT_FOUND", "no such file");
            }
        }
        return path;
    }

    private static ApiException notFound(Context ctx) {
        return new ApiException(404, "NOT_FOUND", "no file " + ctx.path());
    }
}
