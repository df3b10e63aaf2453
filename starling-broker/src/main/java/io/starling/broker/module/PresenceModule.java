package io.starling.broker.module;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.starling.api.ClientInfo;
import io.starling.api.Message;
import io.starling.api.MessageProperties;
import io.starling.api.QoS;
import io.starling.api.hook.HookListener;
import io.starling.broker.routing.MessageDispatcher;
import io.starling.codec.LogSafe;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * emqttd's presence module: publishes {@code $SYS/brokers/<node>/clients/<clientid>/connected} and
 * {@code .../disconnected} with a JSON description of the client, for whoever the ACL lets subscribe to them.
 */
public final class PresenceModule implements HookListener {
    private static final Logger LOG = LoggerFactory.getLogger(PresenceModule.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String node;
    private final QoS qos;
    private final MessageDispatcher dispatcher;

    public PresenceModule(String node, int qos, MessageDispatcher dispatcher) {
        this.node = node;
        this.qos = QoS.of(qos);
        this.dispatcher = dispatcher;
    }

    @Override
    public void onConnected(ClientInfo client, boolean sessionPresent) {
        Map<String, Object> body = describe(client);
        body.put("keepalive", client.keepAliveSeconds());
        body.put("clean_start", client.cleanStart());
        body.put("session_present", sessionPresent);
        body.put("connected_at", System.currentTimeMillis());
        publish(client, "connected", body);
    }

    @Override
    public void onDisconnected(ClientInfo client, String reason) {
        Map<String, Object> body = describe(client);
        body.put("reason", reason);
        body.put("disconnected_at", System.currentTimeMillis());
        publish(client, "disconnected", body);
    }

    private static Map<String, Object> describe(ClientInfo client) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("clientid", client.clientId());
        body.put("username", client.username());
        body.put("ipaddress", client.remoteAddress() == null ? null
                : client.remoteAddress().getAddress().getHostAddress());
        body.put("port", client.remoteAddress() == null ? null : client.remoteAddress().getPort());
        body.put("proto_ver", client.protocolVersion());
        body.put("listener", client.listener());
        return body;
    }

    private void publish(ClientInfo client, String event, Map<String, Object> body) {
        String id = client.clientId();
        if (id.isEmpty() || id.indexOf('+') >= 0 || id.indexOf('#') >= 0 || id.indexOf('/') >= 0) {
            // Such an id would change the topic's levels or make it no topic name at all.
            LOG.debug("no presence message for client id '{}': not usable as a topic level", LogSafe.escape(id));
            return;
        }
        byte[] payload;
        try {
            payload = JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            LOG.warn("presence message for '{}' not written: {}", LogSafe.escape(id), e.toString());
            return;
        }
        String topic = "$SYS/brokers/" + node + "/clients/" + id + "/" + event;
        dispatcher.publish(new Message(topic, payload, qos, false, MessageProperties.NONE, null,
                System.currentTimeMillis()));
    }
}
