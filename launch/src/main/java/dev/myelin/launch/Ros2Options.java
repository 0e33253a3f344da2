package dev.myelin.launch;

import dev.myelin.ros2.Context;
import dev.myelin.ros2.graph.GidLayout;
import dev.myelin.ros2.msg.MessageTypes;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * ROS 2 connection options shared by every command that joins a ROS graph (tools and nodes); defaults come from
 * the ROS environment variables.
 */
public final class Ros2Options {
    /**
     * {@code --domain} alone, for commands that pick their own default (an isolated domain for a demo or a benchmark):
     * such a command names its default under the key {@code domain} in its resource bundle.
     */
    public static final class Domain {
        @Option(names = "--domain", paramLabel = "ID", description = "DDS domain id (default: $ROS_DOMAIN_ID, else 0).")
        public Integer id;
    }

    @picocli.CommandLine.Mixin
    Domain domainOption = new Domain();

    @Option(names = "--localhost-only", negatable = true,
            description = "Loopback only (default: ROS_LOCALHOST_ONLY=1 or ROS_AUTOMATIC_DISCOVERY_RANGE=LOCALHOST).")
    public Boolean localhostOnly;

    @Option(names = "--msg-path", paramLabel = "DIR",
            description = "Extra directory of <pkg>/msg/<Name>.msg definitions (repeatable).")
    public List<Path> messagePaths = new ArrayList<>();

    @Option(names = "--gid-layout", paramLabel = "LAYOUT", converter = GidLayoutConverter.class,
            description = "GID size on ros_discovery_info: iron (16 bytes, Iron and later; default) or humble (24).")
    GidLayout gidLayout;

    static final class GidLayoutConverter implements CommandLine.ITypeConverter<GidLayout> {
        @Override
        public GidLayout convert(String value) {
            return GidLayout.parse(value);
        }
    }

    /** The domain given with {@code --domain}, or null (then the ROS environment decides). */
    public Integer domain() {
        return domainOption.id;
    }

    /** A tool's context: its nodes declare no parameters. */
    public Context open() {
        return builder().parameterServices(false).build();
    }

    /** A context builder with these options applied (a node command adds its own settings and builds it). */
    public Context.Builder builder() {
        Context.Builder b = Context.builder();
        if (gidLayout != null) {
            b.gidLayout(gidLayout);
        }
        if (domain() != null) {
            b.domainId(domain());
        }
        if (localhostOnly != null) {
            b.localhostOnly(localhostOnly);
        }
        if (!messagePaths.isEmpty()) {
            MessageTypes types = new MessageTypes();
            messagePaths.forEach(types::addSearchPath);
            b.messageTypes(types);
        }
        return b;
    }
}
