package dev.myelin.launch;

import dev.myelin.bridge.mqtt.BrokerEndpoint;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** How a command reaches the MQTT broker: URI, optional username and password file, CA for TLS. */
public final class BrokerOptions {

    @Option(names = "--broker", defaultValue = "tcp://127.0.0.1:1883", paramLabel = "URI",
            description = "Broker: tcp://host:port or ssl://host:port (default ${DEFAULT-VALUE}).")
    public String uri;

    @Option(names = "--username", paramLabel = "NAME", description = "Broker username.")
    String username;

    @Option(names = "--password-file", paramLabel = "FILE", description = "File holding the broker password (first line).")
    Path passwordFile;

    @Option(names = "--ca", paramLabel = "PEM", description = "CA certificate that signed the broker's TLS certificate.")
    Path ca;

    public BrokerEndpoint endpoint() throws IOException {
        char[] password = null;
        if (passwordFile != null) {
            if (username == null) {
                throw new IllegalArgumentException("--password-file needs --username");
            }
            String first = Files.readString(passwordFile, StandardCharsets.UTF_8).lines().findFirst().orElse("");
            password = first.toCharArray();
        }
        return new BrokerEndpoint(uri, username, password, ca);
    }
}
