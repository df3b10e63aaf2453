package io.starling.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.api.ClientInfo;
import io.starling.api.auth.Authorizer.Action;
import io.starling.broker.security.ReferenceAcl.Rule;
import io.starling.broker.security.ReferenceAcl.WhoKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The authorization path against {@link ReferenceAcl}: random ACL files (allow and deny; everyone, a user or a
 * client id; publish, subscribe or both; filters with wildcards, {@code %c}, {@code %u}, {@code $SYS} and
 * {@code eq}) read by the real {@link AclAuthorizer} behind the real {@link AuthorizationChain}, asked about random
 * clients (ids and usernames holding placeholders, wildcards and slashes) publishing to random names and
 * subscribing to random filters, plain, {@code $share/g/}, {@code $queue/} and malformed shared ones. Each
 * decision must be the reference's. Seeded: {@code -Dstarling.authz.seed=N} replays a run; a failure prints the
 * seed, the file and the request.
 */
class AuthorizationPropertyTest {
    private static final int FILES = 1_000;
    private static final int REQUESTS_PER_FILE = 100;

    private static final String[] CLIENT_IDS = {"c1", "c2", "a", "b", "%u", "a%ub", "x+", "#", "a/b", "$SYS", "%c"};
    private static final String[] USERNAMES = {null, "u1", "a", "b", "%c", "x%uy", "", "+", "u/1", "$SYS"};
    /** Levels of the rules' filters; # is added at the end only. */
    private static final String[] RULE_LEVELS = {"a", "b", "$SYS", "", "%c", "%u", "x%c", "%u-%c", "+", "+", "c1"};
    /** Levels of requested filters and names: what the rules name, what placeholders become, and wildcards. */
    private static final String[] REQUEST_LEVELS = {"a", "b", "$SYS", "", "c1", "u1", "%u", "a%ub", "x", "xc1",
        "u1-c1", "xa", "a-a", "axb", "+", "+"};

    @TempDir
    Path dir;

    @Test
    void everyDecisionIsTheReferences() throws IOException {
        long seed = Long.getLong("starling.authz.seed", 20_261_202L);
        Random random = new Random(seed);
        Path file = dir.resolve("acl.conf");
        int cases = 0;
        for (int f = 0; f < FILES; f++) {
            List<Rule> rules = rules(random);
            boolean noMatchAllows = random.nextBoolean();
            String text = aclFile(rules);
            Files.writeString(file, text);
            AuthorizationChain chain = new AuthorizationChain(noMatchAllows);
            chain.add(new AclAuthorizer(file, () -> { }), 0);
            for (int r = 0; r < REQUESTS_PER_FILE; r++) {
                ClientInfo client = client(random);
                Action action = random.nextBoolean() ? Action.PUBLISH : Action.SUBSCRIBE;
                String requested = action == Action.PUBLISH ? name(random) : subscription(random);
                boolean expected = ReferenceAcl.decide(rules, noMatchAllows, client, action, requested);
                boolean actual = chain.authorize(client, action, requested).join();
                if (actual != expected) {
                    assertThat(actual).as("seed %d (replay with -Dstarling.authz.seed=%d), case %d:%n%s%n"
                            + "no_match allows: %s%nclient id '%s', username '%s', superuser %s%n%s '%s'", seed, seed,
                            cases, text, noMatchAllows, client.clientId(), client.username(), client.superuser(),
                            action, requested).isEqualTo(expected);
                }
                cases++;
            }
        }
        assertThat(cases).isGreaterThanOrEqualTo(100_000);
    }

    private static <T> T pick(Random random, T[] values) {
        return values[random.nextInt(values.length)];
    }

    private static ClientInfo client(Random random) {
        ClientInfo client = new ClientInfo(pick(random, CLIENT_IDS), pick(random, USERNAMES), null, 5, "tcp:default");
        return random.nextInt(50) == 0 ? client.asSuperuser() : client;
    }

    private static List<Rule> rules(Random random) {
        List<Rule> rules = new ArrayList<>();
        int count = 1 + random.nextInt(6);
        for (int i = 0; i < count; i++) {
            int who = random.nextInt(4);
            WhoKind kind = who < 2 ? WhoKind.ALL : who == 2 ? WhoKind.USER : WhoKind.CLIENT_ID;
            String name = kind == WhoKind.USER ? pick(random, new String[] {"u1", "a", "%c", "x%uy", ""})
                    : kind == WhoKind.CLIENT_ID ? pick(random, CLIENT_IDS) : null;
            Action action = switch (random.nextInt(3)) {
                case 0 -> Action.PUBLISH;
                case 1 -> Action.SUBSCRIBE;
                default -> null;
            };
            List<String> topics = new ArrayList<>();
            int n = random.nextInt(4);
            for (int t = 0; t < n; t++) {
                topics.add(random.nextInt(6) == 0 ? "eq " + filter(random, REQUEST_LEVELS) : filter(random, RULE_LEVELS));
            }
            rules.add(new Rule(random.nextBoolean(), kind, name, action, List.copyOf(topics)));
        }
        return rules;
    }

    /** A valid filter of one to four levels from {@code levels}, sometimes ending in #; never empty. */
    private static String filter(Random random, String[] levels) {
        StringBuilder b = new StringBuilder();
        int n = 1 + random.nextInt(4);
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                b.append('/');
            }
            b.append(i == n - 1 && random.nextInt(4) == 0 ? "#" : pick(random, levels));
        }
        return b.isEmpty() ? "e" : b.toString();
    }

    /** A topic name: a filter without wildcards, now and then with what looks like a share prefix (a plain name). */
    private static String name(Random random) {
        String name = filter(random, REQUEST_LEVELS).replace("+", "p").replace("#", "h");
        return random.nextInt(10) == 0 ? "$share/g/" + name : name;
    }

    /** A filter as a client subscribes: plain, shared, queued, or a malformed shared one the decoder would refuse. */
    private static String subscription(Random random) {
        String filter = filter(random, REQUEST_LEVELS);
        return switch (random.nextInt(20)) {
            case 0, 1, 2, 3 -> "$share/g/" + filter;
            case 4, 5, 6 -> "$queue/" + filter;
            case 7 -> "$share/$SYS/" + filter;
            case 8 -> pick(random, new String[] {"$share/g", "$share//" + filter, "$share/+/" + filter, "$share/g/",
                "$queue/", "$share/g#/" + filter});
            default -> filter;
        };
    }

    /** The rules as etc/acl.conf holds them. */
    private static String aclFile(List<Rule> rules) {
        StringBuilder b = new StringBuilder("rules = [\n");
        for (Rule r : rules) {
            b.append("  { permission = ").append(r.allow() ? "allow" : "deny").append(", who = ").append(switch (r.who()) {
                case ALL -> "all";
                case USER -> "{ user = " + quote(r.name()) + " }";
                case CLIENT_ID -> "{ clientid = " + quote(r.name()) + " }";
            });
            if (r.action() != null) {
                b.append(", action = ").append(r.action() == Action.PUBLISH ? "publish" : "subscribe");
            }
            if (!r.topics().isEmpty()) {
                b.append(", topics = [").append(String.join(", ", r.topics().stream()
                        .map(AuthorizationPropertyTest::quote).toList())).append(']');
            }
            b.append(" }\n");
        }
        return b.append("]\n").toString();
    }

    private static String quote(String s) {
        return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
