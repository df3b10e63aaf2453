package io.starling.broker.transport;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class EventLoopsTest {

    @Test
    void defaultLeavesOneCoreToTheRestOfTheNode() {
        assertThat(EventLoops.defaultWorkerThreads(1)).isEqualTo(1);
        assertThat(EventLoops.defaultWorkerThreads(2)).isEqualTo(1);
        assertThat(EventLoops.defaultWorkerThreads(4)).isEqualTo(3);
        assertThat(EventLoops.defaultWorkerThreads(16)).isEqualTo(15);
    }

    @Test
    void runsAsManyNetworkThreadsAsAsked() {
        try (EventLoops loops = new EventLoops(1, EventLoops.defaultWorkerThreads(3))) {
            assertThat(loops.workerLoops()).hasSize(2);
        }
    }
}
