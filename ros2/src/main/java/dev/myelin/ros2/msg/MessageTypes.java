package dev.myelin.ros2.msg;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Message types by name. Definitions come from, in order: types added with {@link #define},
 * directories added with {@link #addSearchPath} (laid out {@code <pkg>/msg/<Name>.msg}, as in a
 * ROS share directory), and the definitions shipped in this jar under
 * {@code dev/myelin/ros2/msg/<pkg>/msg/<Name>.msg}. Types are compiled on first use together with
 * every type they contain. Names may be written {@code pkg/msg/Name}, {@code pkg/Name} or as the
 * DDS name {@code pkg::msg::dds_::Name_}.
 *
 * <p>Thread-safe.
 */
public final class MessageTypes {
    private static final String RESOURCE_ROOT = "dev/myelin/ros2/msg/";
    private static final MessageTypes STANDARD = new MessageTypes();

    private final Map<String, MessageType> compiled = new HashMap<>();
    private final Map<String, String> defined = new HashMap<>();
    private final List<Path> searchPath = new CopyOnWriteArrayList<>();

    /** A registry with the shipped definitions and nothing else. */
    public MessageTypes() {
    }

    /** The process-wide registry used when nothing else is configured. */
    public static MessageTypes standard() {
        return STANDARD;
    }

    /** Names of the definitions shipped in this jar, sorted. */
    public static List<String> shippedNames() {
        try (InputStream in = MessageTypes.class.getClassLoader().getResourceAsStream(RESOURCE_ROOT + "index.txt")) {
            if (in == null) {
                throw new IllegalStateException("index of shipped message definitions is missing from the jar");
            }
            List<String> names = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#")) {
                    names.add(name);
                }
            }
            names.sort(null);
            return List.copyOf(names);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Normalizes a type name to {@code pkg/msg/Name}.
     *
     * @throws UnknownMessageTypeException when the text is no message type name at all
     */
    public static String canonicalName(String name) {
        String n = name.strip();
        if (n.contains("::")) {
            String[] parts = n.split("::");
            if (parts.length == 4 && parts[1].equals("msg") && parts[2].equals("dds_") && parts[3].endsWith("_")) {
                return parts[0] + "/msg/" + parts[3].substring(0, parts[3].length() - 1);
            }
            throw new UnknownMessageTypeException("'" + name + "' is not a ROS 2 DDS type name (pkg::msg::dds_::Name_)");
        }
        String[] parts = n.split("/");
        if (parts.length == 2 && !parts[0].isEmpty() && !parts[1].isEmpty()) {
            return parts[0] + "/msg/" + parts[1];
        }
        if (parts.length == 3 && parts[1].equals("msg") && !parts[0].isEmpty() && !parts[2].isEmpty()) {
            return n;
        }
        throw new UnknownMessageTypeException("'" + name + "' is not a message type name (pkg/msg/Name or pkg/Name)");
    }

    /**
     * Adds (or replaces, if not yet compiled) a type from its {@code .msg} text. The definition and
     * every type it refers to are compiled immediately, so errors surface here.
     *
     * @throws MessageDefinitionException when the text is malformed or refers to unknown types;
     *         nothing is registered then
     * @throws IllegalStateException when a type of that name is already compiled with other fields
     *         (the same fields written differently, comments included, are accepted)
     */
    public synchronized MessageType define(String name, String definition) {
        String canonical = canonicalName(name);
        MessageDefinition parsed = MessageDefinition.parse(canonical, definition); // syntax errors before anything changes
        MessageType existing = compiled.get(canonical);
        if (existing != null) {
            if (existing.definition().sameStructure(parsed)) {
                return existing;
            }
            throw new IllegalStateException(canonical + " is already defined (and in use) with different fields");
        }
        String previous = defined.put(canonical, definition);
        try {
            return compile(canonical, new LinkedHashSet<>());
        } catch (RuntimeException e) {
            if (previous == null) {
                defined.remove(canonical);
            } else {
                defined.put(canonical, previous);
            }
            throw e;
        }
    }

    /** Adds a directory laid out {@code <pkg>/msg/<Name>.msg} to search before the shipped definitions. */
    public MessageTypes addSearchPath(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("message search path " + directory + " is not a directory");
        }
        searchPath.add(directory);
        return this;
    }

    /**
     * The compiled type of that name.
     *
     * @throws UnknownMessageTypeException when no definition exists
     * @throws MessageDefinitionException when its definition (or one it uses) is malformed
     */
    public synchronized MessageType get(String name) {
        return compile(canonicalName(name), new LinkedHashSet<>());
    }

    /** The type, or empty when there is no definition for it. Malformed definitions still throw. */
    public Optional<MessageType> find(String name) {
        try {
            return Optional.of(get(name));
        } catch (UnknownMessageTypeException e) {
            return Optional.empty();
        }
    }

    /**
     * The full definition text of a type in the {@code ros2msg} form that rosbag2 (MCAP schemas) and the Foxglove
     * WebSocket protocol carry: the type's own {@code .msg} text, then for every type it uses, directly or not
     * (each once, depth-first), a line of 80 {@code =}, a line {@code MSG: pkg/Name} and that type's text.
     *
     * @throws UnknownMessageTypeException when no definition exists
     */
    public synchronized String fullDefinition(String name) {
        MessageType type = get(name);
        StringBuilder sb = new StringBuilder();
        appendDefinition(sb, definitionText(type.name()));
        List<MessageType> closure = type.typeClosure();
        for (int i = 1; i < closure.size(); i++) {
            MessageType dep = closure.get(i);
            sb.append("=".repeat(80)).append('\n');
            sb.append("MSG: ").append(dep.packageName()).append('/').append(dep.shortName()).append('\n');
            appendDefinition(sb, definitionText(dep.name()));
        }
        return sb.toString();
    }

    private static void appendDefinition(StringBuilder sb, String text) {
        sb.append(text);
        if (!text.endsWith("\n")) {
            sb.append('\n');
        }
    }

    private MessageType compile(String name, LinkedHashSet<String> inProgress) {
        MessageType done = compiled.get(name);
        if (done != null) {
            return done;
        }
        if (!inProgress.add(name)) {
            throw new MessageDefinitionException("message types refer to each other in a cycle: "
                    + String.join(" -> ", inProgress) + " -> " + name);
        }
        String text = definitionText(name);
        if (text == null) {
            inProgress.remove(name);
            String from = inProgress.isEmpty() ? "" : " (used by " + inProgress.getLast() + ")";
            throw new UnknownMessageTypeException("unknown message type " + name + from
                    + ": no definition in " + describeSources(name));
        }
        MessageDefinition definition = MessageDefinition.parse(name, text);
        Map<String, MessageType> nested = new HashMap<>();
        for (MessageDefinition.FieldSpec f : definition.fields()) {
            if (f.kind() == FieldKind.MESSAGE && !nested.containsKey(f.typeName())) {
                try {
                    nested.put(f.typeName(), compile(f.typeName(), inProgress));
                } catch (UnknownMessageTypeException e) {
                    throw new MessageDefinitionException(name + " line " + f.line() + ": field '" + f.name()
                            + "' refers to unknown type " + f.typeName());
                }
            }
        }
        inProgress.remove(name);
        MessageType type = new MessageType(definition, nested);
        compiled.put(name, type);
        return type;
    }

    private String definitionText(String name) {
        String own = defined.get(name);
        if (own != null) {
            return own;
        }
        String relative = name + ".msg";
        for (Path dir : searchPath) {
            Path file = dir.resolve(relative);
            if (Files.isRegularFile(file)) {
                try {
                    return Files.readString(file, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file, e);
                }
            }
        }
        try (InputStream in = MessageTypes.class.getClassLoader().getResourceAsStream(RESOURCE_ROOT + relative)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String describeSources(String name) {
        StringBuilder sb = new StringBuilder();
        for (Path dir : searchPath) {
            sb.append(dir.resolve(name + ".msg")).append(", ");
        }
        return sb.append("the shipped definitions (").append(String.join(", ", shippedNames())).append(')').toString();
    }
}
