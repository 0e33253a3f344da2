package dev.myelin.policy.engine;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FastExpTest {

    @Property(tries = 2000)
    void withinTwoUlpOfMathExp(@ForAll @FloatRange(min = -80f, max = 80f) float x) {
        float expected = (float) Math.exp(x);
        float got = FastExp.exp(x);
        assertTrue(Math.abs(got - expected) <= 2 * Math.ulp(expected),
                () -> "exp(" + x + ") = " + got + ", expected " + expected);
    }

    @org.junit.jupiter.api.Test
    void edges() {
        assertEquals(1f, FastExp.exp(0f));
        assertEquals(0f, FastExp.exp(-1000f));
        assertEquals(Float.POSITIVE_INFINITY, FastExp.exp(1000f));
    }
}
