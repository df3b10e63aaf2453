package io.starling.broker.module;

import io.starling.api.ClientInfo;
import io.starling.auth.common.TopicRule;
import io.starling.broker.config.ModulesConfig.AutoSubscription;
import io.starling.codec.LogSafe;
import io.starling.codec.packet.TopicSubscription;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * emqttd's auto-subscribe module: the subscriptions made for a client when it connects, with {@code %c} and
 * {@code %u} filled in as the ACL's rules are ({@link TopicRule#fill}). A client id or username holding {@code +},
 * {@code #} or {@code /} would widen the filter (client id {@code #} reading every inbox), one beginning with
 * {@code $} would start it under {@code $SYS}: that subscription is not made, and a line is logged.
 */
public final class AutoSubscribe {
    private static final Logger LOG = LoggerFactory.getLogger(AutoSubscribe.class);

    private final List<AutoSubscription> topics;

    public AutoSubscribe(List<AutoSubscription> topics) {
        this.topics = List.copyOf(topics);
    }

    public List<TopicSubscription> forClient(ClientInfo client) {
        List<TopicSubscription> out = new ArrayList<>(topics.size());
        for (AutoSubscription t : topics) {
            String filter = TopicRule.fill(t.topic(), client);
            if (filter == null) {
                LOG.info("auto-subscribe: '{}' not subscribed for client '{}': no username, or the client id or"
                        + " username holds +, # or /, or would start the filter with $", t.topic(),
                        LogSafe.escape(client.clientId()));
                continue;
            }
            out.add(new TopicSubscription(filter, t.qos(), t.noLocal(), t.retainAsPublished(), t.retainHandling()));
        }
        return out;
    }
}
