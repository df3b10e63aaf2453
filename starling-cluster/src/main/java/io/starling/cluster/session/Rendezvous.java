package io.starling.cluster.session;

import java.nio.charset.StandardCharsets;
import java.util.Collection;

/**
 * Which node owns a client id: of the members, the one whose hash with the id is highest (rendezvous hashing).
 * Every node with the same members picks the same owner, and a node that joins or leaves moves only the ids it
 * wins or owned.
 */
final class Rendezvous {
    private Rendezvous() {
    }

    static String owner(String clientId, Collection<String> members) {
        String best = null;
        long bestHash = 0;
        byte[] id = clientId.getBytes(StandardCharsets.UTF_8);
        for (String member : members) {
            long h = hash(member, id);
            // Ties (practically never) go to the smaller name, so that every node breaks them alike.
            if (best == null || Long.compareUnsigned(h, bestHash) > 0
                    || (h == bestHash && member.compareTo(best) < 0)) {
                best = member;
                bestHash = h;
            }
        }
        return best;
    }

    /** FNV-1a over the member's name, a separator and the id, finished with a 64-bit mix for spread. */
    private static long hash(String member, byte[] id) {
        long h = 0xcbf29ce484222325L;
        for (byte b : member.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h = (h ^ 0xff) * 0x100000001b3L;
        for (byte b : id) {
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
