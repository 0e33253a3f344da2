package dev.myelin.bridge.experience;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExperienceStoreTest {

    @TempDir
    Path tmp;

    private static ExperienceBatch batch(String robot, long outbox, long segment, int first, int count) {
        List<ExperienceTransition> ts = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            ts.add(new ExperienceTransition(robot, outbox, segment, i, 1000L * segment + i, 9, new float[] {i, -i}, new float[] {0.5f},
                    i, i % 10 == 9));
        }
        return new ExperienceBatch(robot, outbox, segment, first, ts);
    }

    @Test
    void eachRecordIsStoredOnceWhateverTheBatchesOverlap() throws Exception {
        ExperienceStore s = ExperienceStore.open(tmp);
        assertEquals(10, s.add(batch("r1", 7, 1, 0, 10)));
        assertEquals(0, s.add(batch("r1", 7, 1, 0, 10)), "the same batch again adds nothing");
        assertEquals(5, s.add(batch("r1", 7, 1, 5, 10)), "overlap: only 10..14 are new");
        assertEquals(5, s.add(batch("r1", 7, 1, 20, 5)));
        assertEquals(10, s.add(batch("r1", 7, 1, 12, 18)), "12..29: only the gap 15..19 and 25..29 are new");
        assertEquals(3, s.add(batch("r1", 8, 1, 0, 3)), "another outbox of the same robot is other data");
        assertEquals(3, s.add(batch("r2", 7, 1, 0, 3)), "another robot is other data");
        assertEquals(36, s.size());

        ExperienceStore reopened = ExperienceStore.open(tmp);
        assertEquals(36, reopened.size());
        assertEquals(0, reopened.add(batch("r1", 7, 1, 0, 30)), "the index survives a restart");
        List<ExperienceTransition> r1 = reopened.transitions().stream().filter(t -> t.robot().equals("r1") && t.outboxId() == 7).toList();
        assertEquals(30, r1.size());
        for (int i = 0; i < 30; i++) {
            ExperienceTransition t = r1.get(i);
            assertEquals(i, t.index());
            assertEquals(1000L + i, t.timeNanos());
            assertEquals(i, t.observation()[0]);
            assertEquals(i % 10 == 9, t.done());
        }
    }
}
