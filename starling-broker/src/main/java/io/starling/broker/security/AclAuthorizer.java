package io.starling.broker.security;

import io.starling.api.ClientInfo;
import io.starling.api.auth.Authorizer;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of {@code etc/acl.conf}, first match wins, no match ignored (so {@code authorization.no_match}
 * decides). The file is read again when it changes; a file that cannot be read keeps the rules there were.
 */
public final class AclAuthorizer implements Authorizer {
    private static final Logger LOG = LoggerFactory.getLogger(AclAuthorizer.class);
    private static final CompletableFuture<Decision> ALLOW = CompletableFuture.completedFuture(Decision.ALLOW);
    private static final CompletableFuture<Decision> DENY = CompletableFuture.completedFuture(Decision.DENY);
    private static final CompletableFuture<Decision> IGNORE = CompletableFuture.completedFuture(Decision.IGNORE);

    private final Path file;
    private final Runnable changed;
    private volatile List<AclRule> rules;
    private String stamp;

    /** Reads the file; throws IllegalArgumentException naming file:line. {@code changed} runs after a reload. */
    public AclAuthorizer(Path file, Runnable changed) {
        this.file = file;
        this.changed = changed;
        this.stamp = AclFile.stamp(file);
        this.rules = AclFile.read(file);
    }

    /** How many rules are in force. */
    public int size() {
        return rules.size();
    }

    /** The rules in force, in the order they are tried, as the file says them (the management API shows them). */
    public List<java.util.Map<String, Object>> describe() {
        return rules.stream().map(AclRule::describe).toList();
    }

    @Override
    public CompletionStage<Decision> authorize(ClientInfo client, Action action, String topic) {
        for (AclRule rule : rules) {
            if (rule.matches(client, action, topic)) {
                return rule.allow() ? ALLOW : DENY;
            }
        }
        return IGNORE;
    }

    /** Reads the file again now (reload); returns how many rules are in force, or says why the file cannot be used. */
    public synchronized int reload() {
        List<AclRule> fresh = AclFile.read(file);
        stamp = AclFile.stamp(file);
        rules = fresh;
        LOG.info("ACL reloaded from {}: {} rules", file, rules.size());
        changed.run();
        return rules.size();
    }

    /** Reads the file again if it changed since; true when new rules are in force. */
    public synchronized boolean reloadIfChanged() {
        String now = AclFile.stamp(file);
        if (now.equals(stamp)) {
            return false;
        }
        stamp = now;
        try {
            rules = AclFile.read(file);
        } catch (IllegalArgumentException e) {
            LOG.error("ACL not reloaded, the previous rules stay in force: {}", e.getMessage());
            return false;
        }
        LOG.info("ACL reloaded from {}: {} rules", file, rules.size());
        changed.run();
        return true;
    }
}
