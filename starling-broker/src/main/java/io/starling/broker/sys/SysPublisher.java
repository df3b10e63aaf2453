package io.starling.broker.sys;

import io.starling.api.Message;
import io.starling.api.QoS;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.broker.routing.MessageDispatcher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The {@code $SYS} tree, as emqttd publishes it: {@code $SYS/brokers} (the running nodes of the cluster, this one
 * included, comma-separated), and under
 * {@code $SYS/brokers/<node>/} {@code version}, {@code sysdescr}, {@code uptime}, {@code datetime},
 * {@code stats/...} and {@code metrics/...}, every {@code sys_interval}. QoS 0, plain-text values. Who may read them is the ACL's business (the shipped ACL: superusers only).
 */
public final class SysPublisher {
    private static final DateTimeFormatter DATETIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final String prefix;
    private final String version;
    private final MessageDispatcher dispatcher;
    private final BrokerStats stats;
    private final BrokerMetrics metrics;
    private final long startedMillis;
    private final Supplier<List<String>> members;

    /** {@code members}: the names of the running members of the cluster, or of this node alone. */
    public SysPublisher(String nodeName, String version, MessageDispatcher dispatcher, BrokerStats stats,
            BrokerMetrics metrics, long startedMillis, Supplier<List<String>> members) {
        this.prefix = "$SYS/brokers/" + nodeName + "/";
        this.version = version;
        this.dispatcher = dispatcher;
        this.stats = stats;
        this.metrics = metrics;
        this.startedMillis = startedMillis;
        this.members = members;
    }

    /**
     * Every topic, once. Not retained: retained messages of the node's own would count in its retained set, go to
     * the storage at every start and reach every subscriber to {@code #}-like filters of {@code $SYS}; a monitor
     * hears all within one interval (the REST API answers at once).
     */
    public void tick() {
        long now = System.currentTimeMillis();
        publish("$SYS/brokers", String.join(",", new TreeSet<>(members.get())));
        publish(prefix + "version", version);
        publish(prefix + "sysdescr", "Starling MQTT broker");
        publish(prefix + "uptime", uptime(Duration.ofMillis(now - startedMillis)));
        publish(prefix + "datetime", LocalDateTime.now(ZoneId.systemDefault()).format(DATETIME));
        for (Map.Entry<String, Long> e : stats.snapshot().entrySet()) {
            publish(prefix + "stats/" + e.getKey(), Long.toString(e.getValue()));
        }
        for (Map.Entry<String, Long> e : metrics.snapshot().entrySet()) {
            publish(prefix + "metrics/" + e.getKey(), Long.toString(e.getValue()));
        }
    }

    /** As emqttd says it: "1 days, 2 hours, 3 minutes, 4 seconds", leading zero units left out. */
    static String uptime(Duration d) {
        long days = d.toDays();
        long hours = d.toHoursPart();
        long minutes = d.toMinutesPart();
        long seconds = d.toSecondsPart();
        StringBuilder b = new StringBuilder();
        if (days > 0) {
            b.append(days).append(" days, ");
        }
        if (days > 0 || hours > 0) {
            b.append(hours).append(" hours, ");
        }
        if (days > 0 || hours > 0 || minutes > 0) {
            b.append(minutes).append(" minutes, ");
        }
        return b.append(seconds).append(" seconds").toString();
    }

    private void publish(String topic, String value) {
        dispatcher.publishSystem(new Message(topic, value.getBytes(StandardCharsets.UTF_8), QoS.AT_MOST_ONCE, false,
                null, null, System.currentTimeMillis()));
    }
}
