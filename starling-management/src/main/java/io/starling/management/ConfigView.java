package io.starling.management;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.starling.broker.config.BrokerConfig;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/** The configuration in effect as JSON, with every password and secret masked. */
final class ConfigView {
    private ConfigView() {
    }

    static JsonNode of(BrokerConfig config) {
        JsonNode tree = Json.MAPPER.valueToTree(config);
        mask(tree);
        return tree;
    }

    private static void mask(JsonNode node) {
        if (node instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey().toLowerCase(Locale.ROOT);
                if ((name.contains("password") || name.contains("secret")) && e.getValue().isTextual()) {
                    e.setValue(o.textNode("******"));
                } else {
                    mask(e.getValue());
                }
            }
        } else if (node != null && node.isArray()) {
            node.forEach(ConfigView::mask);
        }
    }
}
