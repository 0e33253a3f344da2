package dev.myelin.bridge.experience;

import dev.myelin.bridge.wire.JsonFields;
import dev.myelin.bridge.wire.PayloadException;
import dev.myelin.policy.io.DurableFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The trainer's durable store of real experience: one file per stored run of records,
 * {@code <dir>/<robot>/<outbox id>/<segment>-<first>-<count>.xpb} in the batch format, written atomically.
 * Each record is stored at most once: {@link #add} keeps only the records of a batch not stored before
 * (their identity is robot, outbox, segment and index), so a batch delivered twice adds nothing. The index
 * of what is stored is rebuilt from the file names on {@link #open}. Thread-safe.
 *
 * <p>This is what the trainer's replay buffer reads ({@link #forEach}, {@link #transitions}), and what
 * {@link ExperienceIngest} fills from MQTT.
 */
public final class ExperienceStore {

    private static final Pattern FILE = Pattern.compile("([0-9a-f]{16})-([0-9]{10})-([0-9]{1,10})\\.xpb");

    private record Key(String robot, long outbox, long segment) {
    }

    private final Path dir;
    /** Per key: start index -> end index (exclusive) of stored runs. */
    private final Map<Key, TreeMap<Integer, Integer>> stored = new HashMap<>();
    private long transitions;

    private ExperienceStore(Path dir) {
        this.dir = dir;
    }

    /** Opens (or creates) a store and indexes what it holds; IOException naming a file that does not belong. */
    public static ExperienceStore open(Path dir) throws IOException {
        Files.createDirectories(dir);
        ExperienceStore s = new ExperienceStore(dir);
        for (Path f : s.files()) {
            Matcher m = FILE.matcher(f.getFileName().toString());
            Path outboxDir = f.getParent();
            String robot = outboxDir.getParent().getFileName().toString();
            if (!m.matches() || !JsonFields.NAME.matcher(robot).matches()) {
                throw new IOException(f + ": not an experience file");
            }
            Key k = new Key(robot, Long.parseUnsignedLong(outboxDir.getFileName().toString(), 16),
                    Long.parseUnsignedLong(m.group(1), 16));
            int first = Integer.parseInt(m.group(2));
            int count = Integer.parseInt(m.group(3));
            s.stored.computeIfAbsent(k, x -> new TreeMap<>()).put(first, first + count);
            s.transitions += count;
        }
        return s;
    }

    public Path dir() {
        return dir;
    }

    /** Transitions stored. */
    public synchronized long size() {
        return transitions;
    }

    /**
     * Stores the records of {@code batch} that are not stored yet, durably, and returns how many that was
     * (0 for a duplicate).
     */
    public synchronized int add(ExperienceBatch batch) throws IOException {
        Key k = new Key(batch.robot(), batch.outboxId(), batch.segment());
        TreeMap<Integer, Integer> runs = stored.computeIfAbsent(k, x -> new TreeMap<>());
        int added = 0;
        int a = batch.first();
        int end = batch.first() + batch.count();
        while (a < end) {
            // Skip what is stored, then take the run up to the next stored start.
            Map.Entry<Integer, Integer> before = runs.floorEntry(a);
            if (before != null && before.getValue() > a) {
                a = before.getValue();
                continue;
            }
            Integer nextStart = runs.higherKey(a);
            int b = nextStart == null ? end : Math.min(end, nextStart);
            List<ExperienceTransition> part = batch.transitions().subList(a - batch.first(), b - batch.first());
            write(new ExperienceBatch(batch.robot(), batch.outboxId(), batch.segment(), a, part));
            runs.put(a, b);
            added += b - a;
            a = b;
        }
        transitions += added;
        return added;
    }

    private void write(ExperienceBatch run) throws IOException {
        Path folder = Files.createDirectories(dir.resolve(run.robot()).resolve(HexFormat.of().toHexDigits(run.outboxId())));
        String name = String.format("%016x-%010d-%d.xpb", run.segment(), run.first(), run.count());
        DurableFiles.replace(folder.resolve(name), run.encode());
    }

    /** Visits every stored transition, ordered by robot, outbox, segment and index. */
    public void forEach(Consumer<ExperienceTransition> visitor) throws IOException {
        List<Path> files;
        synchronized (this) {
            files = files();
        }
        for (Path f : files) {
            ExperienceBatch b;
            try {
                b = ExperienceBatch.decode(Files.readAllBytes(f));
            } catch (PayloadException e) {
                throw new IOException(f + ": " + e.getMessage(), e);
            }
            b.transitions().forEach(visitor);
        }
    }

    /** Every stored transition, in {@link #forEach} order. */
    public List<ExperienceTransition> transitions() throws IOException {
        List<ExperienceTransition> all = new ArrayList<>();
        forEach(all::add);
        return all;
    }

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.walk(dir, 3)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".xpb")).sorted().toList();
        }
    }
}
