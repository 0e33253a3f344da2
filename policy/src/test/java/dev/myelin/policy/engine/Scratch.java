package dev.myelin.policy.engine;

import dev.myelin.policy.bench.EngineBenchmark;
import dev.myelin.policy.model.*;
import java.util.Map;

public class Scratch {
    public static void main(String[] a) {
        float gain = Float.parseFloat(a[0]);
        Policy p = Policy.withDefaults(PopSan.random(17, 6, 10, new int[]{256, 256}, 5, SpikeMode.DETERMINISTIC, 1), Map.of());
        float[][] obs = EngineBenchmark.observations(17, 1024, 7);
        var mx = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        for (String e : new String[]{"dense", "event", "int8", "event"}) {
            InferenceEngine en = InferenceEngines.create(e, p);
            var s = EngineBenchmark.measure(en, obs, 20000, 20000);
            float[] act = new float[6];
            long b0 = mx.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 1000; i++) en.act(obs[i % 1024], act);
            long b1 = mx.getCurrentThreadAllocatedBytes();
            System.out.println(e + " " + s + " alloc/call=" + (b1 - b0) / 1000.0 + " " + en.energy());
        }
    }
}
