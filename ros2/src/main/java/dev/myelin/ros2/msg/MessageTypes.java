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
 * {@code dev/myelin/ros2/msg/<pkg>/msg/<Name>.msg}. A service's halves, {@code pkg/srv/Name_Request}
 * and {@code pkg/srv/Name_Response}, come from {@code <pkg>/srv/<Name>.srv} in the same places,
 * split at its {@code ---} line. Types are compiled on first use together with
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
    private final Map<MessageType, MessageType> framed = new HashMap<>();

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
            if (parts.length == 4 && parts[1].equals("srv") && parts[2].equals("dds_") && parts[3].endsWith("_")
                    && isServiceHalf(parts[3].substring(0, parts[3].length() - 1))) {
                return parts[0] + "/srv/" + parts[3].substring(0, parts[3].length() - 1);
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
        if (parts.length == 3 && parts[1].equals("srv") && !parts[0].isEmpty() && isServiceHalf(parts[2])) {
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
     * WebSocket protocol carry ({@link Ros2MsgSchema#fullText}).
     *
     * @throws UnknownMessageTypeException when no definition exists
     */
    public String fullDefinition(String name) {
        return Ros2MsgSchema.fullText(get(name));
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

    private static boolean isServiceHalf(String shortName) {
        return shortName.endsWith("_Request") || shortName.endsWith("_Response");
    }

    /**
     * The sample type rmw_cyclonedds puts on a service's request or reply topic: the 16-byte
     * request header ({@code uint64 client_guid}, {@code int64 sequence_number}) followed by
     * {@code half}, nested as field {@code body}; same name and DDS type name as {@code half}.
     * Classic CDR gives a nested struct no alignment of its own, so the bytes equal the header
     * followed by the half's own fields. One instance per half.
     */
    public synchronized MessageType withRequestHeader(MessageType half) {
        MessageType wire = framed.get(half);
        if (wire == null) {
            List<MessageDefinition.FieldSpec> fields = List.of(
                    new MessageDefinition.FieldSpec("client_guid", FieldKind.UINT64, null, 0, Arity.SINGLE, 0, null, 0),
                    new MessageDefinition.FieldSpec("sequence_number", FieldKind.INT64, null, 0, Arity.SINGLE, 0, null, 0),
                    new MessageDefinition.FieldSpec("body", FieldKind.MESSAGE, half.name(), 0, Arity.SINGLE, 0, null, 0));
            MessageDefinition definition = new MessageDefinition(half.name(), fields, List.of(),
                    "uint64 client_guid\nint64 sequence_number\n" + half.name() + " body\n");
            wire = new MessageType(definition, Map.of(half.name(), half));
            framed.put(half, wire);
        }
        return wire;
    }

    private String definitionText(String name) {
        String own = defined.get(name);
        if (own != null) {
            return own;
        }
        if (name.contains("/srv/")) {
            return serviceHalfText(name);
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

    /** One half of {@code pkg/srv/Name.srv}: the lines before {@code ---} (request) or after it (response). */
    private String serviceHalfText(String name) {
        boolean request = name.endsWith("_Request");
        String service = name.substring(0, name.lastIndexOf('_'));
        String text = defined.get(service);
        String relative = service + ".srv";
        for (int i = 0; text == null && i < searchPath.size(); i++) {
            Path file = searchPath.get(i).resolve(relative);
            if (Files.isRegularFile(file)) {
                try {
                    text = Files.readString(file, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file, e);
                }
            }
        }
        if (text == null) {
            try (InputStream in = MessageTypes.class.getClassLoader().getResourceAsStream(RESOURCE_ROOT + relative)) {
                text = in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (text == null) {
            return null;
        }
        String[] lines = text.split("\r?\n", -1);
        int separator = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].strip().equals("---")) {
                if (separator >= 0) {
                    throw new MessageDefinitionException(service + " line " + (i + 1) + ": a second '---'");
                }
                separator = i;
            }
        }
        if (separator < 0) {
            throw new MessageDefinitionException(service + ": no '---' line between request and response");
        }
        // blank the other half's lines so that line numbers in errors still count from the file's top
        StringBuilder half = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            boolean mine = request ? i < separator : i > separator;
            half.append(mine ? lines[i] : "").append('\n');
        }
        return half.toString();
    }

    /**
     * Defines a service from its {@code .srv} text ({@code pkg/srv/Name}); both halves compile
     * here, so errors surface at once.
     */
    public synchronized void defineService(String name, String definition) {
        String[] parts = name.strip().split("/");
        if (parts.length != 3 || !parts[1].equals("srv")) {
            throw new UnknownMessageTypeException("'" + name + "' is not a service type name (pkg/srv/Name)");
        }
        String previous = defined.put(name.strip(), definition);
        try {
            get(name.strip() + "_Request");
            get(name.strip() + "_Response");
        } catch (RuntimeException e) {
            if (previous == null) {
                defined.remove(name.strip());
            } else {
                defined.put(name.strip(), previous);
            }
            throw e;
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
