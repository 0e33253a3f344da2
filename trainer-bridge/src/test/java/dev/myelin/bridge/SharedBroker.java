package dev.myelin.bridge;

import dev.myelin.bridge.mqtt.EmbeddedBroker;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One embedded HiveMQ broker for every test of the run that asks for it (it takes seconds to start and to
 * stop); tests keep apart by using fleets of their own ({@link #fleet}). Closed by JUnit when the run ends.
 */
public final class SharedBroker {

    private static final AtomicInteger FLEETS = new AtomicInteger();

    private SharedBroker() {
    }

    public static EmbeddedBroker get(ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SharedBroker.class, k -> new Holder(), Holder.class).broker;
    }

    /** A fleet name no other test uses. */
    public static String fleet(String prefix) {
        return prefix + "-" + FLEETS.incrementAndGet() + "-" + ProcessHandle.current().pid();
    }

    private static final class Holder implements ExtensionContext.Store.CloseableResource {
        final EmbeddedBroker broker;

        Holder() {
            try {
                broker = EmbeddedBroker.start();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            broker.close();
        }
    }
}
