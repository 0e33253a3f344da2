package dev.myelin.launch.file;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.Remapping;

import java.util.List;

/** Where an in-process ROS node lives: domain, loopback, namespace, remapping rules. */
public record RosSettings(Integer domain, Boolean localhostOnly, String namespace, List<String> remaps) {

    static RosSettings of(LaunchFile.NodeSpec spec) {
        NodeParams p = spec.params();
        Integer domain = p.has("domain") ? (int) p.integer("domain", 0, 0, Context.MAX_DOMAIN_ID) : null;
        Boolean local = p.has("localhost_only") ? p.bool("localhost_only", true) : null;
        try {
            Remapping.parse(spec.remaps());
        } catch (IllegalArgumentException e) {
            throw new LaunchFileException(spec.params().source(), spec.line(), "remap", e.getMessage());
        }
        return new RosSettings(domain, local, spec.namespace(), spec.remaps());
    }

    /** A loopback-only node in {@code domain}, root namespace, no remapping. */
    public static RosSettings loopback(int domain) {
        return new RosSettings(domain, true, "/", List.of());
    }

    Context open() {
        Context.Builder b = Context.builder();
        if (domain != null) {
            b.domainId(domain);
        }
        if (localhostOnly != null) {
            b.localhostOnly(localhostOnly);
        }
        return b.build();
    }

    Remapping remapping() {
        return remaps.isEmpty() ? Remapping.none() : Remapping.parse(remaps);
    }
}
