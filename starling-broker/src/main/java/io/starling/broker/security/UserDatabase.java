package io.starling.broker.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in users: a password file of
 * {@code <name>:pbkdf2-sha512:<iterations>:<salt>:<hash>[:scram-sha-256:<iterations>:<salt>:<stored key>:<server key>][:superuser]}
 * lines, never a password in plain text: a PBKDF2 hash for the password in CONNECT, and the SCRAM-SHA-256 keys for
 * MQTT 5 enhanced authentication (files written before SCRAM have no keys: such a user gets them at its next
 * {@code passwd}). Changed through {@code bin/starling-ctl users}, which rewrites the
 * file (by rename, readable by the node's user only); an edit made to the file by hand is picked up too.
 */
public final class UserDatabase {
    private static final Logger LOG = LoggerFactory.getLogger(UserDatabase.class);

    /** A user as the file holds it. */
    public record User(String name, boolean superuser) {
    }

    /** {@code scram} null: the user was written before SCRAM and cannot use it until its password is set again. */
    private record Entry(PasswordHash hash, ScramCredential scram, boolean superuser) {
    }

    private final Path file;
    private final int iterations;
    private final int scramIterations;
    private volatile Map<String, Entry> users = Map.of();
    /**
     * Passwords verified since the users last changed, as HMACs under a key that never leaves this process: a
     * client reconnecting with the same password skips the slow hash. Cleared on every change.
     */
    private final Map<String, byte[]> verified = new java.util.concurrent.ConcurrentHashMap<>();
    private final javax.crypto.spec.SecretKeySpec verifiedKey;
    /** What an unknown name's password is checked against: the cost of a new hash, a hash nothing matches. */
    private final PasswordHash decoy;
    private String stamp = "";

    /** Reads the file (a missing one is an empty database); throws IllegalArgumentException for a bad line. */
    public UserDatabase(Path file, int iterations, int scramIterations) {
        this.file = file;
        this.iterations = iterations;
        this.scramIterations = scramIterations;
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        this.verifiedKey = new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256");
        byte[] salt = new byte[16];
        new java.security.SecureRandom().nextBytes(salt);
        this.decoy = new PasswordHash(iterations, salt, new byte[64]);
        this.users = read();
        this.stamp = stamp();
    }

    public Path file() {
        return file;
    }

    public boolean isEmpty() {
        return users.isEmpty();
    }

    /**
     * Empty when there is no such user; else whether the password is right (the slow check). The same work either
     * way, a missing password too: an unknown name is checked against a hash of the same cost, so that the time of
     * the answer does not tell which names exist.
     */
    Optional<Boolean> verify(String name, byte[] password) {
        Entry e = users.get(name);
        boolean matches = (e == null ? decoy : e.hash()).matches(password == null ? new byte[0] : password);
        if (e == null) {
            return Optional.empty();
        }
        boolean ok = password != null && matches;
        if (ok) {
            verified.put(name, mac(name, password));
        }
        return Optional.of(ok);
    }

    /**
     * Whether the user exists and the password is right: the in-memory HMAC when this password was verified
     * before, else the slow hash (never on a network thread).
     */
    public boolean check(String name, byte[] password) {
        return verifiedBefore(name, password) || verify(name, password).orElse(false);
    }

    public boolean contains(String name) {
        return users.containsKey(name);
    }

    /** Whether this password was verified for this user since the users last changed: microseconds. */
    boolean verifiedBefore(String name, byte[] password) {
        byte[] known = verified.get(name);
        return known != null && password != null && java.security.MessageDigest.isEqual(known, mac(name, password));
    }

    private byte[] mac(String name, byte[] password) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(verifiedKey);
            mac.update(name.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return mac.doFinal(password);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }

    /** A SCRAM-SHA-256 exchange against these users, for one client. */
    public ScramExchange startScram() {
        return new ScramExchange(this);
    }

    /** The user's SCRAM keys; null when there is no such user or it has none yet. */
    ScramCredential scramCredential(String name) {
        Entry e = users.get(name);
        return e == null ? null : e.scram();
    }

    /**
     * Keys for a name that has none: the same salt for the same name in this process, so that asking twice does
     * not tell a made-up user from a real one; no proof matches them.
     */
    ScramCredential scramDecoy(String name) {
        // A real name never holds ':', so these inputs never meet those of the verified-password HMACs.
        byte[] salt = java.util.Arrays.copyOf(mac("scram-salt:" + name, new byte[0]), 16);
        byte[] key = mac("scram-key:" + name, new byte[0]);
        return new ScramCredential(scramIterations, salt, key, key);
    }

    public boolean isSuperuser(String name) {
        Entry e = users.get(name);
        return e != null && e.superuser();
    }

    public synchronized List<User> list() {
        List<User> out = new ArrayList<>();
        users.forEach((name, e) -> out.add(new User(name, e.superuser())));
        return out;
    }

    /** Adds a user; throws IllegalArgumentException when the name is taken or not usable. */
    public synchronized void add(String name, char[] password, boolean superuser) {
        checkName(name);
        if (users.containsKey(name)) {
            throw new IllegalArgumentException("user " + name + " exists already (change its password with passwd)");
        }
        change(name, entry(checkPassword(password), superuser));
    }

    public synchronized void passwd(String name, char[] password) {
        Entry e = users.get(name);
        if (e == null) {
            throw new IllegalArgumentException("no user " + name);
        }
        change(name, entry(checkPassword(password), e.superuser()));
    }

    private Entry entry(char[] password, boolean superuser) {
        return new Entry(PasswordHash.of(password, iterations), ScramCredential.of(password, scramIterations),
                superuser);
    }

    public synchronized void delete(String name) {
        if (!users.containsKey(name)) {
            throw new IllegalArgumentException("no user " + name);
        }
        change(name, null);
    }

    /** Reads the file again now (reload); returns how many users there are, or says why the file cannot be used. */
    public synchronized int reload() {
        Map<String, Entry> fresh = read();
        stamp = stamp();
        users = fresh;
        verified.clear();
        LOG.info("users reloaded from {}: {} users", file, users.size());
        return users.size();
    }

    /** Reads the file again if it changed; a file that cannot be read keeps the users there were. */
    public synchronized boolean reloadIfChanged() {
        String now = stamp();
        if (now.equals(stamp)) {
            return false;
        }
        stamp = now;
        try {
            users = read();
            verified.clear();
            LOG.info("users reloaded from {}: {} users", file, users.size());
            return true;
        } catch (IllegalArgumentException e) {
            LOG.error("users not reloaded, the previous ones stay: {}", e.getMessage());
            return false;
        }
    }

    private void change(String name, Entry entry) {
        Map<String, Entry> next = new TreeMap<>(users);
        if (entry == null) {
            next.remove(name);
        } else {
            next.put(name, entry);
        }
        write(next);
        users = Map.copyOf(next);
        verified.clear();
        stamp = stamp();
    }

    private Map<String, Entry> read() {
        Map<String, Entry> out = new TreeMap<>();
        if (!Files.isRegularFile(file)) {
            return out;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": cannot read: " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String[] rest = colon < 0 ? new String[0] : line.substring(colon + 1).split(":");
            int scramAt = 4;
            boolean scram = rest.length > scramAt && rest[scramAt].equals(ScramCredential.ALGORITHM);
            int flagAt = scram ? scramAt + 5 : scramAt;
            if (colon <= 0 || rest.length < 4 || rest.length > flagAt + 1
                    || (rest.length == flagAt + 1 && !rest[flagAt].equals("superuser"))) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": not <name>:pbkdf2-sha512:<iterations>"
                        + ":<salt>:<hash>[:scram-sha-256:<iterations>:<salt>:<stored key>:<server key>][:superuser]");
            }
            try {
                PasswordHash hash = PasswordHash.parse(String.join(":", rest[0], rest[1], rest[2], rest[3]));
                ScramCredential keys = scram ? ScramCredential.parse(rest, scramAt) : null;
                boolean superuser = rest.length == flagAt + 1;
                out.put(line.substring(0, colon), new Entry(hash, keys, superuser));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    private void write(Map<String, Entry> next) {
        StringBuilder text = new StringBuilder("# Starling users, written by bin/starling-ctl users: salted PBKDF2 hashes"
                + " and SCRAM-SHA-256 keys, no passwords.\n");
        next.forEach((name, e) -> text.append(name).append(':').append(e.hash().format())
                .append(e.scram() == null ? "" : ":" + e.scram().format())
                .append(e.superuser() ? ":superuser" : "").append('\n'));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            try {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException notPosix) {
                // the directory's permissions must do
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private String stamp() {
        try {
            return Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file);
        } catch (IOException e) {
            return "missing";
        }
    }

    private static void checkName(String name) {
        if (name.isEmpty() || name.contains(":") || name.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("a user name must not be empty nor hold ':' or spaces");
        }
    }

    private static char[] checkPassword(char[] password) {
        if (password == null || password.length == 0) {
            throw new IllegalArgumentException("the password must not be empty");
        }
        return password;
    }
}
