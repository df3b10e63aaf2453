package io.starling.benchpeers;

import com.hivemq.embedded.EmbeddedHiveMQ;
import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * Starts one peer broker on 127.0.0.1 with its defaults, apart from the port, a data folder of its own,
 * anonymous access and state kept in memory (as Starling's default store and Mosquitto with persistence off:
 * HiveMQ's default file persistence writes every queued QoS 0 message to RocksDB), and runs until SIGTERM.
 *
 * <pre>java -cp target/classes:target/lib/* io.starling.benchpeers.PeerBroker hivemq|moquette PORT DATA_DIR</pre>
 */
public final class PeerBroker {

    private PeerBroker() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: PeerBroker hivemq|moquette PORT DATA_DIR");
            System.exit(64);
        }
        int port = Integer.parseInt(args[1]);
        Path data = Files.createDirectories(Path.of(args[2]));
        AutoCloseable broker = switch (args[0]) {
            case "hivemq" -> hivemq(port, data);
            case "moquette" -> moquette(port, data);
            default -> throw new IllegalArgumentException("unknown broker " + args[0]);
        };
        System.out.println("peer broker " + args[0] + " listening on 127.0.0.1:" + port);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.close();
            } catch (Exception e) {
                e.printStackTrace();
            }
            stopped.countDown();
        }));
        stopped.await();
    }

    private static AutoCloseable hivemq(int port, Path data) throws Exception {
        Path conf = Files.createDirectories(data.resolve("conf"));
        Files.writeString(conf.resolve("config.xml"), """
                <?xml version="1.0"?>
                <hivemq>
                  <listeners>
                    <tcp-listener>
                      <port>%d</port>
                      <bind-address>127.0.0.1</bind-address>
                    </tcp-listener>
                  </listeners>
                  <persistence>
                    <mode>in-memory</mode>
                  </persistence>
                  <anonymous-usage-statistics>
                    <enabled>false</enabled>
                  </anonymous-usage-statistics>
                </hivemq>
                """.formatted(port));
        EmbeddedHiveMQ hivemq = EmbeddedHiveMQ.builder()
                .withConfigurationFolder(conf)
                .withDataFolder(Files.createDirectories(data.resolve("data")))
                .withExtensionsFolder(Files.createDirectories(data.resolve("extensions")))
                .build();
        hivemq.start().join();
        return () -> hivemq.stop().join();
    }

    private static AutoCloseable moquette(int port, Path data) throws Exception {
        Properties p = new Properties();
        p.setProperty("host", "127.0.0.1");
        p.setProperty("port", Integer.toString(port));
        p.setProperty("allow_anonymous", "true");
        p.setProperty("data_path", data.toString());
        p.setProperty("persistence_enabled", "false");
        p.setProperty("websocket_port", "disabled");
        Server server = new Server();
        server.startServer(new MemoryConfig(p));
        return server::stopServer;
    }
}
