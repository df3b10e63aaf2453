package io.starling.management;

/**
 * A module that adds to the management HTTP server (the dashboard adds its pages and its logins): found with
 * {@link java.util.ServiceLoader} on the node's class path, called once while the server is built, before it
 * listens. The management module knows none of them.
 */
public interface ManagementContributor {

    /** Adds routes, public paths and authenticators to the server being built. */
    void contribute(ManagementContext context);
}
