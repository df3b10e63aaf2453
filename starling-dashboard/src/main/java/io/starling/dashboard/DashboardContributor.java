package io.starling.dashboard;

import io.starling.broker.config.DashboardConfig;
import io.starling.management.ManagementContext;
import io.starling.management.ManagementContributor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds the dashboard to the management server: its pages at {@code /} (public: they hold no data), the WebJars,
 * and logins with session cookies for the REST API under {@code /api/v5}. Off with {@code dashboard.enabled =
 * false}: then neither the pages nor the session logins exist.
 */
public final class DashboardContributor implements ManagementContributor {
    private static final Logger LOG = LoggerFactory.getLogger(DashboardContributor.class);

    @Override
    public void contribute(ManagementContext context) {
        DashboardConfig config = context.node().config().dashboard();
        if (!config.enabled()) {
            return;
        }
        StaticFiles files = new StaticFiles();
        context.publicPath("/");
        context.publicPath("/index.html");
        context.publicPrefix("/assets/");
        context.publicPrefix("/webjars/");
        context.app().get("/", files::index);
        context.app().get("/index.html", files::index);
        context.app().get("/assets/<path>", files::asset);
        context.app().get("/webjars/<path>", files::webjar);
        new SessionRoutes(context, new BrowserSessions(config.sessionTimeout(), config.sessionMaxAge())).register();
        LOG.info("dashboard at / on the management port (sessions idle out after {})", config.sessionTimeout());
    }
}
