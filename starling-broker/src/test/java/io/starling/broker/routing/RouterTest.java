package io.starling.broker.routing;

import static org.assertj.core.api.Assertions.assertThat;

import io.starling.api.Message;
import io.starling.api.MessageProperties;
import io.starling.api.QoS;
import io.starling.broker.config.SharedStrategy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterTest {

    /** Records every delivery: the message and the subscriptions that matched. */
    static final class Recorder implements Destination {
        final String id;
        final List<List<Subscription>> deliveries = new ArrayList<>();

        Recorder(String id) {
            this.id = id;
        }

        @Override
        public String id() {
            return id;
        }

        @Override
        public void deliver(Message message, List<Subscription> matched, SharedGroup group) {
            deliveries.add(List.copyOf(matched));
        }
    }

    private final Router router = new Router(SharedStrategy.ROUND_ROBIN);

    private static Message message(String topic) {
        return new Message(topic, new byte[0], QoS.EXACTLY_ONCE, false, MessageProperties.NONE, "pub", 0);
    }

    private static Subscription sub(String filter, Destination d, int qos, int id) {
        return new Subscription(filter, d, qos, false, false, 0, id);
    }

    @Test
    void overlappingFiltersDeliverOnceWithEveryMatch() {
        Recorder r = new Recorder("c");
        router.subscribe(sub("a/+", r, 1, 1));
        router.subscribe(sub("a/#", r, 2, 2));
        router.subscribe(sub("a/b", r, 0, 3));
        assertThat(router.route(message("a/b"))).isEqualTo(1);
        assertThat(r.deliveries).singleElement().satisfies(matched ->
                assertThat(matched).extracting(Subscription::subscriptionId).containsExactlyInAnyOrder(1, 2, 3));
    }

    @Test
    void amongManyDestinationsEachGetsOneDeliveryWithAllItsMatches() {
        List<Recorder> plain = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Recorder r = new Recorder("c" + i);
            plain.add(r);
            router.subscribe(sub("fan/#", r, 0, 0));
        }
        // Ids whose hashes collide, each matched twice: grouped by destination, not by hash.
        Recorder aa = new Recorder("Aa");
        Recorder bb = new Recorder("BB");
        router.subscribe(sub("fan/x", aa, 0, 1));
        router.subscribe(sub("+/x", bb, 0, 3));
        router.subscribe(sub("fan/#", aa, 0, 2));
        router.subscribe(sub("fan/+", bb, 0, 4));
        assertThat(router.route(message("fan/x"))).isEqualTo(52);
        assertThat(plain).allSatisfy(r -> assertThat(r.deliveries).singleElement().satisfies(m ->
                assertThat(m).singleElement().extracting(Subscription::destination).isSameAs(r)));
        assertThat(aa.deliveries).singleElement().satisfies(m ->
                assertThat(m).extracting(Subscription::subscriptionId).containsExactlyInAnyOrder(1, 2));
        assertThat(bb.deliveries).singleElement().satisfies(m ->
                assertThat(m).extracting(Subscription::subscriptionId).containsExactlyInAnyOrder(3, 4));
    }

    @Test
    void emptyLevelsAreLevelsLikeAnyOther() {
        Recorder middle = new Recorder("middle");
        Recorder leading = new Recorder("leading");
        Recorder trailing = new Recorder("trailing");
        router.subscribe(sub("a/+/b", middle, 0, 0));
        router.subscribe(sub("/x", leading, 0, 0));
        router.subscribe(sub("a/", trailing, 0, 0));
        assertThat(router.route(message("a//b"))).isEqualTo(1);
        assertThat(router.route(message("/x"))).isEqualTo(1);
        assertThat(router.route(message("a/"))).isEqualTo(1);
        assertThat(router.route(message("a"))).isZero();
        assertThat(router.route(message("x"))).isZero();
        assertThat(List.of(middle.deliveries.size(), leading.deliveries.size(), trailing.deliveries.size()))
                .containsExactly(1, 1, 1);
    }

    @Test
    void levelsWithTheSameHashAreToldApart() {
        // "Aa" and "BB" hash alike: the lookup in place must compare the characters, not only the hash.
        assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
        Recorder aa = new Recorder("aa");
        Recorder bb = new Recorder("bb");
        router.subscribe(sub("s/Aa", aa, 0, 0));
        router.subscribe(sub("s/BB", bb, 0, 0));
        router.route(message("s/BB"));
        router.route(message("s/BB"));
        router.route(message("s/Aa"));
        assertThat(router.route(message("s/Ab"))).isZero();
        assertThat(aa.deliveries).hasSize(1);
        assertThat(bb.deliveries).hasSize(2);
    }

    @Test
    void dollarTopicsAreNotMatchedByLeadingWildcards() {
        Recorder all = new Recorder("all");
        Recorder sys = new Recorder("sys");
        router.subscribe(sub("#", all, 0, 0));
        router.subscribe(sub("+/x", all, 0, 0));
        router.subscribe(sub("$SYS/#", sys, 0, 0));
        assertThat(router.route(message("$SYS/x"))).isEqualTo(1);
        assertThat(all.deliveries).isEmpty();
        assertThat(sys.deliveries).hasSize(1);
    }

    @Test
    void resubscribingReplacesAndUnsubscribingPrunes() {
        Recorder r = new Recorder("c");
        assertThat(router.subscribe(sub("a/b/c", r, 0, 0))).isTrue();
        assertThat(router.subscribe(sub("a/b/c", r, 1, 0))).isFalse();
        assertThat(router.subscriptionCount()).isEqualTo(1);
        assertThat(router.unsubscribe("a/b/c", r)).isTrue();
        assertThat(router.unsubscribe("a/b/c", r)).isFalse();
        assertThat(router.subscriptionCount()).isZero();
        assertThat(router.route(message("a/b/c"))).isZero();
    }

    @Test
    void sharedGroupDeliversEachMessageToOneMemberInTurn() {
        Recorder a = new Recorder("a");
        Recorder b = new Recorder("b");
        router.subscribeShared("g", sub("jobs/+", a, 1, 0));
        router.subscribeShared("g", sub("jobs/+", b, 1, 0));
        for (int i = 0; i < 10; i++) {
            router.route(message("jobs/" + i));
        }
        assertThat(a.deliveries).hasSize(5);
        assertThat(b.deliveries).hasSize(5);
        router.unsubscribeShared("g", "jobs/+", a);
        router.unsubscribeShared("g", "jobs/+", b);
        assertThat(router.sharedGroupCount()).isZero();
        assertThat(router.subscriptionCount()).isZero();
    }
}
