package io.starling.auth.ldap;

import com.unboundid.ldap.sdk.BindRequest;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResult;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.SingleServerSet;
import com.unboundid.ldap.sdk.StartTLSPostConnectProcessor;
import com.unboundid.util.ssl.PEMFileTrustManager;
import com.unboundid.util.ssl.SSLUtil;
import com.unboundid.util.ssl.TrustStoreTrustManager;
import io.starling.api.ClientInfo;
import io.starling.api.auth.AuthRequest;
import io.starling.api.auth.AuthResult;
import io.starling.api.auth.Authorizer.Action;
import io.starling.auth.common.TopicRule;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.SocketFactory;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * Finds a user's entry with the plugin's account, then checks the password by binding as that entry (on a
 * pooled connection whose identity is put back afterwards) or by an LDAP compare; the ACL comes from the entry's
 * topic attributes. Filter values are escaped, so a username like {@code *)(uid=*} matches nobody.
 */
final class LdapAuthBackend implements AutoCloseable {
    private final LdapSettings settings;
    private final LDAPConnectionPool pool;

    LdapAuthBackend(LdapSettings settings) throws LDAPException, GeneralSecurityException {
        this.settings = settings;
        LDAPConnectionOptions options = new LDAPConnectionOptions();
        int millis = (int) settings.backend().timeout().toMillis();
        options.setConnectTimeoutMillis(millis);
        options.setResponseTimeoutMillis(millis);
        SSLSocketFactory tls = settings.tls() ? tlsSockets(settings) : null;
        SocketFactory sockets = tls != null && !settings.startTls() ? tls : null;
        BindRequest account = settings.bindDn() == null ? null
                : new SimpleBindRequest(settings.bindDn(), settings.bindPassword());
        SingleServerSet server = new SingleServerSet(settings.url().getHost(), settings.port(), sockets, options);
        // No connection at start: the node starts while the directory is down; checks fail by the policy meanwhile.
        this.pool = new LDAPConnectionPool(server, account, 0, settings.backend().poolSize(),
                settings.startTls() ? new StartTLSPostConnectProcessor(tls) : null, false);
        pool.setMaxWaitTimeMillis(millis);
        pool.setRetryFailedOperationsDueToInvalidConnections(true);
    }

    /**
     * A trusted CA is not enough: unless {@code ssl.verify_hostname = false}, the certificate must also name the
     * url's host, else whoever holds any certificate of that CA could stand in for the directory and read every
     * password.
     */
    private static SSLSocketFactory tlsSockets(LdapSettings s) throws GeneralSecurityException {
        TrustManager trust = s.caFile() == null
                ? new TrustStoreTrustManager(System.getProperty("java.home") + "/lib/security/cacerts")
                : new PEMFileTrustManager(s.caFile().toFile());
        SSLSocketFactory sockets = new SSLUtil(trust).createSSLContext("TLSv1.2").getSocketFactory();
        return s.verifyHostname() ? new HostCheckingSocketFactory(sockets) : sockets;
    }

    AuthResult authenticate(AuthRequest request) throws LDAPException {
        SearchResultEntry entry = find(request.client());
        if (entry == null) {
            return AuthResult.IGNORE;
        }
        byte[] password = request.password();
        if (password == null || password.length == 0) {
            // an empty password would be an anonymous bind, which LDAP servers accept: never a login
            return AuthResult.deny("LDAP: no password sent");
        }
        boolean ok;
        if (settings.bindAsUser()) {
            try {
                pool.bindAndRevertAuthentication(new SimpleBindRequest(entry.getDN(), password));
                ok = true;
            } catch (LDAPException e) {
                if (e.getResultCode() != ResultCode.INVALID_CREDENTIALS) {
                    throw e;
                }
                ok = false;
            }
        } else {
            ok = pool.compare(new com.unboundid.ldap.sdk.CompareRequest(entry.getDN(), settings.passwordAttribute(),
                    password)).compareMatched();
        }
        if (!ok) {
            return AuthResult.deny("LDAP: wrong password");
        }
        boolean superuser = settings.superuserAttribute() != null
                && "TRUE".equalsIgnoreCase(entry.getAttributeValue(settings.superuserAttribute()));
        return superuser ? AuthResult.allowSuperuser() : AuthResult.allow();
    }

    List<TopicRule> rules(ClientInfo who, Action action, String topic) throws LDAPException {
        SearchResultEntry entry = find(who);
        List<TopicRule> out = new ArrayList<>();
        if (entry == null) {
            return out;
        }
        add(out, entry, settings.publishAttribute(), Action.PUBLISH);
        add(out, entry, settings.subscribeAttribute(), Action.SUBSCRIBE);
        add(out, entry, settings.pubsubAttribute(), null);
        return out;
    }

    private static void add(List<TopicRule> out, SearchResultEntry entry, String attribute, Action action) {
        String[] values = entry.getAttributeValues(attribute);
        if (values != null) {
            for (String v : values) {
                out.add(new TopicRule(true, action, v));
            }
        }
    }

    private SearchResultEntry find(ClientInfo who) throws LDAPException {
        String filter = settings.filter().fill(who, Map.of(), Filter::encodeValue);
        String[] attributes = {settings.superuserAttribute() == null ? "1.1" : settings.superuserAttribute(),
                settings.publishAttribute(), settings.subscribeAttribute(), settings.pubsubAttribute()};
        SearchRequest search = new SearchRequest(settings.baseDn(), SearchScope.SUB, Filter.create(filter),
                attributes);
        search.setSizeLimit(2);
        search.setTimeLimitSeconds((int) Math.max(1, settings.backend().timeout().toSeconds()));
        SearchResult result = pool.search(search);
        if (result.getEntryCount() != 1) {
            // none: not a user of this directory; several: the filter is ambiguous, trust neither
            return null;
        }
        return result.getSearchEntries().get(0);
    }

    @Override
    public void close() {
        pool.close();
    }
}
