package dev.myelin.ros2;

import dev.myelin.ros2.dds.Cyclone;
import dev.myelin.ros2.dds.CycloneConfig;

import java.util.HashMap;
import java.util.Map;

/**
 * Which DDS domains this process has open and how. Cyclone allows one configuration per domain
 * per process, so every {@link Context} on a domain must agree on loopback-only mode; a
 * loopback-only domain is created explicitly with its configuration and deleted when the last
 * context on it closes.
 */
final class Domains {
    private record Open(boolean localhostOnly, int handle, int users) {
    }

    private static final Map<Integer, Open> OPEN = new HashMap<>();

    private Domains() {
    }

    static synchronized void acquire(int domainId, boolean localhostOnly) {
        Open open = OPEN.get(domainId);
        if (open != null) {
            if (open.localhostOnly() != localhostOnly) {
                throw new IllegalStateException("domain " + domainId + " is already open in this process "
                        + (open.localhostOnly() ? "in loopback-only mode" : "on all interfaces")
                        + "; every context on one domain must use the same mode");
            }
            OPEN.put(domainId, new Open(localhostOnly, open.handle(), open.users() + 1));
            return;
        }
        int handle = localhostOnly ? Cyclone.createDomain(domainId, CycloneConfig.loopback()) : 0;
        OPEN.put(domainId, new Open(localhostOnly, handle, 1));
    }

    static synchronized void release(int domainId) {
        Open open = OPEN.get(domainId);
        if (open == null) {
            return;
        }
        if (open.users() > 1) {
            OPEN.put(domainId, new Open(open.localhostOnly(), open.handle(), open.users() - 1));
            return;
        }
        OPEN.remove(domainId);
        if (open.handle() != 0) {
            Cyclone.delete(open.handle());
        }
    }
}
