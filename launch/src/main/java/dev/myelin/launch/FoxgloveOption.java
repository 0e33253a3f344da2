package dev.myelin.launch;

import dev.myelin.observe.foxglove.FoxgloveBridge;
import picocli.CommandLine.Option;

import java.io.IOException;

/** {@code --foxglove PORT}: a Foxglove live view of the domain's topics next to whatever the command runs. */
public final class FoxgloveOption {

    @Option(names = "--foxglove", paramLabel = "PORT",
            description = "Also serve the domain's topics to Foxglove (connect to ws://HOST:PORT).")
    Integer port;

    /** The bridge, or null without {@code --foxglove}. */
    public FoxgloveBridge start(Integer domain, Boolean localhostOnly) throws IOException {
        if (port == null) {
            return null;
        }
        FoxgloveBridge bridge = FoxgloveBridge.start(FoxgloveBridge.Options.port(port).domain(domain, localhostOnly));
        System.out.println("foxglove: live view on ws://0.0.0.0:" + bridge.port());
        return bridge;
    }
}
