package io.starling.broker.control;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import java.net.URL;
import org.slf4j.LoggerFactory;

/**
 * Log levels of the running node through Logback (the logging the distribution ships; an embedded node with
 * another SLF4J binding is told so). Only touched when a command asks, so Logback stays optional.
 */
public final class LogLevels {
    private LogLevels() {
    }

    /** Sets {@code logger}'s level (the root's when null); returns what it was. */
    static String set(String logger, String level) {
        LoggerContext context = context();
        Level parsed = Level.toLevel(level, null);
        if (parsed == null) {
            throw new ViewCommands.UsageException("'" + level + "' is not a level (trace, debug, info, warn, error, off)");
        }
        Logger target = context.getLogger(logger == null ? org.slf4j.Logger.ROOT_LOGGER_NAME : logger);
        Level before = target.getEffectiveLevel();
        target.setLevel(parsed);
        return before.toString();
    }

    /** Reads the Logback configuration file again (as its scan would within 30 s); false when there is none. */
    public static boolean reload() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return false;
        }
        URL file = ch.qos.logback.core.joran.util.ConfigurationWatchListUtil.getMainWatchURL(context);
        if (file == null) {
            return false;
        }
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        context.reset();
        try {
            configurator.doConfigure(file);
        } catch (JoranException e) {
            throw new IllegalStateException("the logging configuration " + file + " is not valid: "
                    + e.getMessage(), e);
        }
        return true;
    }

    private static LoggerContext context() {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            throw new ViewCommands.RefusedException("log levels can be changed with Logback only (this node logs through "
                    + LoggerFactory.getILoggerFactory().getClass().getName() + ")");
        }
        return context;
    }
}
