package io.starling.stomp;

import io.starling.api.hook.HookListener;
import io.starling.broker.bootstrap.Starling;
import io.starling.broker.bootstrap.Version;
import io.starling.broker.config.StompConfig;
import io.starling.broker.extension.NodeExtension;
import io.starling.broker.transport.EventLoops;
import io.starling.stomp.sockjs.SockJsServer;
import io.starling.stomp.tcp.StompServer;

/** Starts the STOMP gateway with the node when {@code stomp.enabled = true}. */
public final class StompExtension implements NodeExtension {
    private StompServer server;
    private SockJsServer sockJs;
    private Starling node;
    private HookListener forgetEnded;

    @Override
    public String name() {
        return "STOMP gateway";
    }

    @Override
    public void start(Starling starling) {
        StompConfig config = starling.config().stomp();
        if (!config.enabled()) {
            return;
        }
        this.node = starling;
        Gateway gateway = new Gateway(starling.services(), config, "Starling/" + Version.current());
        forgetEnded = new HookListener() {
            @Override
            public void onSessionTerminated(String clientId, String reason) {
                gateway.book().forget(clientId);
            }
        };
        starling.services().hooks().add(forgetEnded, 0);
        int threads = starling.config().ioThreads() > 0 ? starling.config().ioThreads()
                : EventLoops.defaultWorkerThreads(Runtime.getRuntime().availableProcessors());
        server = new StompServer(config, threads, sink -> new StompConnection(gateway, sink));
        server.start();
        if (config.sockjs().enabled()) {
            sockJs = new SockJsServer(config, threads, sink -> new StompConnection(gateway, sink));
            try {
                sockJs.start();
            } catch (RuntimeException e) {
                sockJs = null;
                close();
                throw e;
            }
        }
    }

    /** The running SockJS endpoint, or null when it is off. */
    public SockJsServer sockJs() {
        return sockJs;
    }

    /** The running gateway's listeners, or null when it is off. */
    public StompServer server() {
        return server;
    }

    @Override
    public void close() {
        if (sockJs != null) {
            sockJs.close();
            sockJs = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
        if (forgetEnded != null) {
            node.services().hooks().remove(forgetEnded);
        }
    }
}
