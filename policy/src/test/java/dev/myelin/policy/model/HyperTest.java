package dev.myelin.policy.model;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Hyperparameters are judged on their values, whatever Number type the manifest's JSON gave them. */
class HyperTest {

    private static Hyper of(Object v) {
        return new Hyper("test", Map.of("k", v));
    }

    @Test
    void aPositiveIntegerIsJudgedOnItsValueNotOnItsWrappedInt() {
        assertEquals(7, of(7L).positiveInt("k"));
        assertEquals(7, of(7.0).positiveInt("k"));
        assertEquals(1 << 20, of((long) (1 << 20)).positiveInt("k"));
        assertEquals(5, of(java.math.BigInteger.valueOf(5)).positiveInt("k"));
        // -2^31 - 1 wraps to Integer.MAX_VALUE, -2^32 + 5 to 5: both are negative and refused.
        for (Object bad : List.<Object>of(-2_147_483_649L, -4_294_967_291L, 0L, -1, 1.5, (1 << 20) + 1L, Double.NaN,
                Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, java.math.BigInteger.TWO.pow(70).negate().add(
                        java.math.BigInteger.valueOf(Integer.MAX_VALUE)), "3")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> of(bad).positiveInt("k"),
                    "refused: " + bad);
            assertTrue(e.getMessage().contains("'k' must be a positive integer"), e.getMessage());
        }
    }

    @Test
    void listsOfPositiveIntegersAreJudgedTheSameWay() {
        assertArrayEquals(new int[] {64, 32}, of(List.of(64L, 32.0)).positiveInts("k"));
        for (Object bad : List.<Object>of(-2_147_483_649L, -4_294_967_291L, 0L, 2.5, (1 << 20) + 1L)) {
            assertThrows(IllegalArgumentException.class, () -> of(List.of(8, bad)).positiveInts("k"), "refused: " + bad);
        }
    }
}
