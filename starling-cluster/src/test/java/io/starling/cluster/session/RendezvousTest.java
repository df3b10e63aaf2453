package io.starling.cluster.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The owner of a client id, by rendezvous hash. */
class RendezvousTest {

    @Test
    void everyNodeChoosesTheSameOwnerAndAJoinMovesOnlyTheIdsTheNewcomerWins() {
        List<String> three = List.of("a@h", "b@h", "c@h");
        List<String> four = List.of("d@h", "c@h", "b@h", "a@h");
        int moved = 0;
        for (int i = 0; i < 1000; i++) {
            String id = "client-" + i;
            String before = Rendezvous.owner(id, three);
            assertThat(Rendezvous.owner(id, List.of("c@h", "a@h", "b@h"))).isEqualTo(before);
            String after = Rendezvous.owner(id, four);
            if (!after.equals(before)) {
                assertThat(after).isEqualTo("d@h");
                moved++;
            }
        }
        assertThat(moved).isBetween(150, 350); // about a quarter
    }
}
