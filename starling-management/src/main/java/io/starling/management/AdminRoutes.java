package io.starling.management;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.plugin.PluginException;
import io.starling.broker.security.UserDatabase;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Plugins (list, load, unload), the ACL file's rules (read only), the built-in MQTT users, the API's administrators
 * and its API keys.
 */
final class AdminRoutes {
    private final Starling node;
    private final AdminAuth auth;

    private final String defaultName;

    AdminRoutes(Starling node, AdminAuth auth, String defaultName) {
        this.node = node;
        this.auth = auth;
        this.defaultName = defaultName;
    }

    void register(Javalin app) {
        app.get("/api/v5/plugins", ctx -> ctx.json(node.plugins().list()));
        app.post("/api/v5/plugins/{name}/load", ctx -> ctx.json(plugin(() -> node.plugins().load(ctx.pathParam("name")))));
        app.post("/api/v5/plugins/{name}/unload", ctx -> {
            plugin(() -> {
                node.plugins().unload(ctx.pathParam("name"));
                return null;
            });
            ctx.status(204);
        });
        app.get("/api/v5/authorization/rules", ctx -> {
            auth.requireAdministrator(ctx, "reading the ACL rules");
            Map<String, Object> m = new LinkedHashMap<>();
            java.nio.file.Path file = node.config().security().aclFile();
            m.put("file", file == null ? null : file.toString());
            m.put("no_match", node.config().authorizationNoMatchAllows() ? "allow" : "deny");
            m.put("rules", node.aclRules());
            ctx.json(m);
        });
        app.get("/api/v5/users", ctx -> ctx.json(mqttUsers().list()));
        app.post("/api/v5/users", ctx -> {
            ObjectNode b = Json.object(ctx);
            String name = Json.text(b, "username");
            boolean superuser = Json.bool(b, "superuser", false);
            if (superuser) {
                // An MQTT superuser may do anything on the node's topics: not an operator's to make.
                auth.requireAdministrator(ctx, "making an MQTT superuser");
            }
            change(() -> mqttUsers().add(name, Json.text(b, "password").toCharArray(), superuser));
            ctx.status(201).json(Map.of("username", name));
        });
        app.put("/api/v5/users/{name}", ctx -> {
            String password = Json.text(Json.object(ctx), "password");
            if (mqttUsers().isSuperuser(ctx.pathParam("name"))) {
                auth.requireAdministrator(ctx, "setting an MQTT superuser's password");
            }
            change(() -> mqttUsers().passwd(ctx.pathParam("name"), password.toCharArray()));
            ctx.status(204);
        });
        app.delete("/api/v5/users/{name}", ctx -> {
            change(() -> mqttUsers().delete(ctx.pathParam("name")));
            ctx.status(204);
        });
        // For the dashboard's login: whether the administrator must change the default password first.
        app.post("/api/v5/login", ctx -> {
            String who = ctx.attribute("who");
            String name = who == null ? "" : who.substring(who.indexOf(':') + 1);
            boolean admin = who != null && who.startsWith("admin:");
            ctx.json(Map.of("username", name, "kind", admin ? "administrator" : "api_key",
                    "role", admin ? AdminAuth.ADMINISTRATOR : auth.keyRole(name),
                    "password_change_required", admin && name.equals(defaultName) && auth.usesDefaultPassword()));
        });
        app.get("/api/v5/admins", ctx -> ctx.json(auth.admins().list().stream().map(u -> Map.of("username", u.name()))
                .toList()));
        app.post("/api/v5/admins", ctx -> {
            ObjectNode b = Json.object(ctx);
            String name = Json.text(b, "username");
            change(() -> auth.admins().add(name, Json.text(b, "password").toCharArray(), true));
            ctx.status(201).json(Map.of("username", name));
        });
        app.put("/api/v5/admins/{name}/password", this::changeAdminPassword);
        app.delete("/api/v5/admins/{name}", ctx -> {
            if (auth.admins().list().size() == 1 && auth.admins().contains(ctx.pathParam("name"))) {
                throw ApiException.conflict("the last administrator cannot be deleted");
            }
            change(() -> auth.admins().delete(ctx.pathParam("name")));
            auth.refreshDefaultPassword();
            ctx.status(204);
        });
        app.get("/api/v5/api_key", ctx -> ctx.json(auth.apiKeys().list().stream().map(u -> Map.of("key", u.name(),
                "role", u.superuser() ? AdminAuth.ADMINISTRATOR : AdminAuth.OPERATOR)).toList()));
        app.post("/api/v5/api_key", ctx -> {
            String role = ctx.body().isBlank() ? AdminAuth.OPERATOR
                    : Json.text(Json.object(ctx), "role", AdminAuth.OPERATOR);
            if (!role.equals(AdminAuth.OPERATOR) && !role.equals(AdminAuth.ADMINISTRATOR)) {
                throw ApiException.badRequest("'role' must be " + AdminAuth.OPERATOR + " (all but administrators and "
                        + "API keys) or " + AdminAuth.ADMINISTRATOR + ", was '" + role + "'");
            }
            String[] created = auth.newApiKey(role.equals(AdminAuth.ADMINISTRATOR));
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("key", created[0]);
            out.put("secret", created[1]);
            out.put("role", role);
            out.put("note", "the secret is shown this once; use key:secret as HTTP Basic credentials");
            ctx.status(201).json(out);
        });
        app.delete("/api/v5/api_key/{key}", ctx -> {
            change(() -> auth.apiKeys().delete(ctx.pathParam("key")));
            ctx.status(204);
        });
    }

    private void changeAdminPassword(Context ctx) {
        ObjectNode b = Json.object(ctx);
        String password = Json.text(b, "new_password");
        if (password.length() < 8) {
            throw ApiException.badRequest("the new password must have at least 8 characters");
        }
        change(() -> auth.admins().passwd(ctx.pathParam("name"), password.toCharArray()));
        auth.refreshDefaultPassword();
        ctx.status(204);
    }

    private UserDatabase mqttUsers() {
        UserDatabase users = node.users();
        if (users == null) {
            throw ApiException.conflict("this node has no user database (authentication.password_file is empty)");
        }
        return users;
    }

    /** A user database change; its refusals (exists, no such user, bad name) are 400/404/409. */
    private static void change(Runnable action) {
        try {
            action.run();
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            if (m.startsWith("no user")) {
                throw ApiException.notFound(m);
            }
            if (m.contains("exists already")) {
                throw ApiException.conflict(m);
            }
            throw ApiException.badRequest(m);
        }
    }

    private interface PluginAction {
        Object run();
    }

    private static Object plugin(PluginAction action) {
        try {
            return action.run();
        } catch (PluginException e) {
            String m = e.getMessage();
            if (m.contains("no plugin") || m.contains("not found")) {
                throw ApiException.notFound(m);
            }
            throw ApiException.conflict(m);
        }
    }

}
