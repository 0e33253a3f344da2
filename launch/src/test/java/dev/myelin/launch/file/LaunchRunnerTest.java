package dev.myelin.launch.file;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LaunchRunner} over nodes a program built itself (as the demo does): each starts only once the one
 * before reports ready, they stop in reverse order, and a node that fails or is not ready in time closes
 * every node already started.
 */
class LaunchRunnerTest {

    /** A node that turns ready on its {@code readyAfter}-th poll after start (never when negative), or fails there. */
    private static final class Probe implements LaunchNode {
        private final String name;
        private final int readyAfter;
        private final String failWith;
        private final List<String> events;
        private int polls;
        private boolean started;

        Probe(String name, int readyAfter, String failWith, List<String> events) {
            this.name = name;
            this.readyAfter = readyAfter;
            this.failWith = failWith;
            this.events = events;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start() {
            events.add("start " + name);
            started = true;
        }

        @Override
        public boolean ready() {
            if (!started || readyAfter < 0 || failWith != null) {
                return false;
            }
            polls++;
            if (polls == readyAfter) {
                events.add("ready " + name);
            }
            return polls >= readyAfter;
        }

        @Override
        public String failure() {
            return started && failWith != null ? failWith : null;
        }

        @Override
        public void close() {
            events.add("close " + name);
        }
    }

    private static LaunchRunner.Planned planned(Probe s, Duration timeout) {
        return new LaunchRunner.Planned("test", s, timeout);
    }

    @Test
    void startsInOrderEachOnceTheOneBeforeIsReadyAndStopsInReverse() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        List<String> log = new ArrayList<>();
        Probe a = new Probe("a", 3, null, events);
        Probe b = new Probe("b", 2, null, events);
        Probe c = new Probe("c", 1, null, events);
        LaunchRunner runner = new LaunchRunner(List.of(planned(a, Duration.ofSeconds(5)), planned(b, Duration.ofSeconds(5)),
                planned(c, Duration.ofSeconds(5))), log::add);
        runner.start();
        assertEquals(List.of("start a", "ready a", "start b", "ready b", "start c", "ready c"), events);
        assertSame(b, runner.node("b"));
        assertNull(runner.failure());
        runner.close();
        assertEquals(List.of("close c", "close b", "close a"), events.subList(6, events.size()));
        assertEquals(3, log.stream().filter(l -> l.startsWith("[launch] ") && l.contains("(test) ready in")).count(), log.toString());
        assertEquals(List.of("[launch] c stopped", "[launch] b stopped", "[launch] a stopped"), log.subList(3, log.size()));
        runner.close();
        assertEquals(9, events.size(), "closing twice closes nothing more: " + events);
    }

    @Test
    void aNodeThatFailsBeforeItIsReadyClosesTheOnesStartedAndIsNamed() {
        List<String> events = new CopyOnWriteArrayList<>();
        Probe a = new Probe("a", 1, null, events);
        Probe b = new Probe("b", 1, "no scan on /scan", events);
        Probe c = new Probe("c", 1, null, events);
        LaunchRunner runner = new LaunchRunner(List.of(planned(a, Duration.ofSeconds(5)), planned(b, Duration.ofSeconds(5)),
                planned(c, Duration.ofSeconds(5))), line -> { });
        LaunchRunner.LaunchFailedException e = assertThrows(LaunchRunner.LaunchFailedException.class, runner::start);
        assertEquals("node 'b' (test) failed before it was ready: no scan on /scan", e.getMessage());
        assertEquals(List.of("start a", "ready a", "start b", "close b", "close a"), events);
    }

    @Test
    void aNodeNotReadyInTimeClosesTheOnesStarted() {
        List<String> events = new CopyOnWriteArrayList<>();
        Probe a = new Probe("a", 1, null, events);
        Probe b = new Probe("b", -1, null, events);
        LaunchRunner runner = new LaunchRunner(List.of(planned(a, Duration.ofSeconds(5)), planned(b, Duration.ofMillis(200))),
                line -> { });
        LaunchRunner.LaunchFailedException e = assertThrows(LaunchRunner.LaunchFailedException.class, runner::start);
        assertTrue(e.getMessage().startsWith("node 'b' (test) was not ready within 0.2 s"), e.getMessage());
        assertEquals(List.of("start a", "ready a", "start b", "close b", "close a"), events);
    }

    @Test
    void twoNodesOfOneNameAreRefused() {
        List<String> events = new ArrayList<>();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new LaunchRunner(List.of(
                planned(new Probe("a", 1, null, events), Duration.ofSeconds(1)),
                planned(new Probe("a", 1, null, events), Duration.ofSeconds(1))), line -> { }));
        assertEquals("two nodes are named 'a'", e.getMessage());
        assertTrue(events.isEmpty());
    }
}
