package io.starling.it.listeners;

import org.awaitility.Awaitility;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;

/** Collects what the node logs under a package during each test, to check the line an operator would read. */
final class LogLines implements BeforeEachCallback, AfterEachCallback {
    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

    LogLines(String loggerName) {
        this.logger = (Logger) LoggerFactory.getLogger(loggerName);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        appender.list.clear();
        appender.start();
        logger.addAppender(appender);
    }

    @Override
    public void afterEach(ExtensionContext context) {
        logger.detachAppender(appender);
        appender.stop();
    }

    /** Waits for a line containing every one of {@code parts}; returns it. */
    String await(String... parts) {
        String[] found = new String[1];
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
            for (String line : lines()) {
                if (List.of(parts).stream().allMatch(line::contains)) {
                    found[0] = line;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }

    List<String> lines() {
        synchronized (appender) {
            return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    /** The lines an operator sees on the default level: INFO and above. */
    List<String> infoLines() {
        synchronized (appender) {
            return appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }
    }
}
