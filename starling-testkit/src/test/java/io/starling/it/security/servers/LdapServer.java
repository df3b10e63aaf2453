package io.starling.it.security.servers;

import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;

/**
 * A real OpenLDAP server (Debian's slapd) of the test's own: a slapd.conf with the shipped MQTT schema, an mdb
 * database under {@code dc=starling,dc=test} loaded with slapadd, on a port from the OS. Skipped, loudly, when
 * not installed.
 */
public final class LdapServer implements AutoCloseable {
    public static final String BASE = "dc=starling,dc=test";
    public static final String ADMIN = "cn=admin," + BASE;
    public static final String ADMIN_PASSWORD = "admin-secret";
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final Process process;
    private final int port;
    private final int tlsPort;

    private LdapServer(Process process, int port, int tlsPort) {
        this.process = process;
        this.port = port;
        this.tlsPort = tlsPort;
    }

    /**
     * Starts slapd with {@code ldif} loaded (the base entry is added here), serving ldap:// and, with the server's
     * PEM certificate and key, ldaps:// and StartTLS.
     */
    public static LdapServer start(Path dir, Path schema, String ldif, Path certFile, Path keyFile) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/sbin/slapd")) || !Files.isExecutable(Path.of("/usr/sbin/slapadd"))) {
            String why = "OpenLDAP not installed (/usr/sbin/slapd); install Debian's slapd to run these tests";
            Processes.skip(WARNED, why);
        }
        Files.createDirectories(dir.resolve("db"));
        String tls = "TLSCertificateFile " + certFile.toAbsolutePath() + "\nTLSCertificateKeyFile "
                + keyFile.toAbsolutePath() + "\n";
        Files.writeString(dir.resolve("slapd.conf"), tls + "include /etc/ldap/schema/core.schema\n"
                + "include /etc/ldap/schema/cosine.schema\ninclude /etc/ldap/schema/inetorgperson.schema\n"
                + "include " + schema.toAbsolutePath() + "\nmodulepath /usr/lib/ldap\nmoduleload back_mdb\n"
                + "pidfile " + dir.resolve("slapd.pid") + "\ndatabase mdb\nmaxsize 10485760\nsuffix \"" + BASE
                + "\"\nrootdn \"" + ADMIN + "\"\nrootpw " + ADMIN_PASSWORD + "\ndirectory " + dir.resolve("db") + "\n");
        Files.writeString(dir.resolve("data.ldif"), "dn: " + BASE + "\nobjectClass: dcObject\nobjectClass: "
                + "organization\no: test\ndc: starling\n\n" + ldif);
        Processes.run(List.of("/usr/sbin/slapadd", "-f", dir.resolve("slapd.conf").toString(), "-l",
                dir.resolve("data.ldif").toString()), dir.resolve("slapadd.log"));
        int port = Processes.freePort();
        int tlsPort = Processes.freePort();
        Process p = new ProcessBuilder("/usr/sbin/slapd", "-f", dir.resolve("slapd.conf").toString(), "-h",
                "ldap://127.0.0.1:" + port + "/ ldaps://127.0.0.1:" + tlsPort + "/", "-d", "none").redirectErrorStream(true)
                .redirectOutput(dir.resolve("slapd.log").toFile()).start();
        try {
            for (int listening : new int[] {port, tlsPort}) {
                Awaitility.await().atMost(20, TimeUnit.SECONDS).ignoreExceptions().until(() -> {
                    if (!p.isAlive()) {
                        return true;
                    }
                    try (Socket s = new Socket("127.0.0.1", listening)) {
                        return true;
                    }
                });
                if (!p.isAlive()) {
                    throw new org.awaitility.core.ConditionTimeoutException("slapd exited");
                }
            }
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            Processes.stop(p);
            throw new AssertionError("slapd did not listen on " + port + " and " + tlsPort + "; its log:\n"
                    + Files.readString(dir.resolve("slapd.log")), e);
        }
        return new LdapServer(p, port, tlsPort);
    }

    public String tlsUrl() {
        return "ldaps://127.0.0.1:" + tlsPort;
    }


    public String url() {
        return "ldap://127.0.0.1:" + port;
    }

    public void stop() throws InterruptedException {
        Processes.stop(process);
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
