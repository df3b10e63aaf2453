package io.starling.broker.protocol;

import io.starling.broker.retain.RetainedMessages;
import io.starling.broker.config.MqttConfig;
import io.starling.broker.config.SecurityConfig;
import io.starling.broker.hook.Hooks;
import io.starling.broker.metrics.BrokerMetrics;
import io.starling.broker.module.AutoSubscribe;
import io.starling.broker.module.DelayedPublisher;
import io.starling.broker.routing.MessageDispatcher;
import io.starling.broker.routing.PublishGate;
import io.starling.broker.routing.Router;
import io.starling.broker.security.AuthenticationChain;
import io.starling.broker.security.AuthorizationChain;
import io.starling.broker.security.UserDatabase;
import io.starling.broker.session.SessionRegistry;
import io.starling.broker.storage.NodeStorage;

/**
 * What every connection of a node shares; built once by the bootstrap.
 *
 * @param gate          where every message enters: hooks, authorization, limits, then the dispatcher
 * @param delayed       delayed publish; null when the module is off
 * @param autoSubscribe subscriptions made at connect; null when the module is off
 * @param limits        the protocol limits in force (reload may change them for new connections)
 * @param users         the built-in users; null when there are none (no enhanced authentication either)
 */
public record BrokerServices(
        String nodeName,
        LiveLimits limits,
        SessionRegistry sessions,
        Router router,
        RetainedMessages retained,
        MessageDispatcher dispatcher,
        PublishGate gate,
        AuthenticationChain authentication,
        AuthorizationChain authorization,
        Hooks hooks,
        BrokerMetrics metrics,
        NodeStorage storage,
        DelayedPublisher delayed,
        AutoSubscribe autoSubscribe,
        SecurityConfig security,
        UserDatabase users) {

    /** The protocol limits in force now. */
    public MqttConfig mqtt() {
        return limits.mqtt();
    }
}
