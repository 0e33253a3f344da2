package dev.myelin.policy.engine;

import dev.myelin.policy.model.Policy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The int8 engine stays within its documented tolerance of the fp32 reference: the error in units of
 * the action's half-range, over 20 random policies x 50 random observations (recurrent policies run
 * the 50 as one episode). Measured: PopSAN mean 0.003 / p99 0.06; GRSN mean 0.007 / p99 0.08;
 * spiking transformer mean 0.05 / p99 0.26 (attention multiplies spike flips).
 */
class Int8ToleranceTest {

    @ParameterizedTest(name = "family {0}")
    @CsvSource({
            "0, 0.02, 0.15",   // PopSAN, deterministic encoder
            "1, 0.02, 0.15",   // PopSAN, Poisson encoder
            "2, 0.02, 0.15",   // GRSN
            "3, 0.10, 0.50",   // spiking transformer
    })
    void int8ActionsStayNearDense(int family, double maxMean, double maxP99) {
        List<Double> errors = new ArrayList<>();
        for (long seed = 0; seed < 20; seed++) {
            Policy p = Networks.allFamilies(seed).get(family);
            InferenceEngine dense = InferenceEngines.create("dense", p);
            InferenceEngine int8 = InferenceEngines.create("int8", p);
            float[] a = new float[dense.actionSize()];
            float[] b = new float[dense.actionSize()];
            for (float[] o : Networks.observations(dense.observationSize(), 50, seed + 99)) {
                dense.act(o, a);
                int8.act(o, b);
                for (int j = 0; j < a.length; j++) {
                    errors.add((double) Math.abs(a[j] - b[j]) / p.actions().get(j).halfRange());
                }
            }
        }
        Collections.sort(errors);
        double mean = errors.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double p99 = errors.get((int) (errors.size() * 0.99));
        assertTrue(mean <= maxMean, "mean error " + mean + " > " + maxMean);
        assertTrue(p99 <= maxP99, "p99 error " + p99 + " > " + maxP99);
        assertTrue(errors.get(errors.size() - 1) > 0, "int8 equal to fp32 everywhere would mean it is not quantising");
    }
}
