package dev.myelin.controller.config;

import dev.myelin.policy.model.Channel;
import dev.myelin.policy.model.Policy;

import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/**
 * Checks a parameter file's mapping against a bundle's observation/action spec before the bundle
 * may run: the slices must fill exactly the bundle's observation channels, in order, with the same
 * units where both declare one; every action channel must be mapped exactly once, with the same unit.
 */
public final class MappingCheck {
    private MappingCheck() {
    }

    /**
     * @param bundleLabel how to name the bundle in messages, e.g. {@code bundle 'nav' 1.2.0}
     * @return for each configured action output, the index of its channel in the policy's action vector
     * @throws MappingMismatchException naming the parameter side and the bundle side of the first mismatch
     */
    public static int[] check(ControllerParams params, Policy policy, String bundleLabel) {
        List<Channel> obs = policy.observations();
        List<String> names = new ArrayList<>();
        List<String> units = new ArrayList<>();
        List<String> owners = new ArrayList<>();
        StringJoiner slices = new StringJoiner(", ");
        for (ObservationSlice s : params.observations()) {
            names.addAll(s.channels());
            units.addAll(s.units());
            for (int i = 0; i < s.channels().size(); i++) {
                owners.add(s.name());
            }
            slices.add(s.name() + " " + s.channels().size());
        }
        if (names.size() != obs.size()) {
            throw new MappingMismatchException("parameter file gives " + names.size() + " observation values (" + slices
                    + ") but " + bundleLabel + " expects " + obs.size() + " (" + describe(obs) + ")");
        }
        for (int i = 0; i < obs.size(); i++) {
            Channel c = obs.get(i);
            if (!names.get(i).equals(c.name())) {
                throw new MappingMismatchException("observation " + i + ": parameter slice '" + owners.get(i) + "' fills '"
                        + names.get(i) + "' but " + bundleLabel + " has '" + c.name() + "' [" + c.unit() + "] there");
            }
            if (!units.get(i).isEmpty() && !c.unit().isEmpty() && !units.get(i).equals(c.unit())) {
                throw new MappingMismatchException("observation " + i + " '" + c.name() + "': parameter slice '" + owners.get(i)
                        + "' gives " + units.get(i) + " but " + bundleLabel + " expects " + c.unit());
            }
        }
        List<Channel> acts = policy.actions();
        List<ActionOutput> outputs = params.actions();
        int[] index = new int[outputs.size()];
        boolean[] mapped = new boolean[acts.size()];
        for (int o = 0; o < outputs.size(); o++) {
            ActionOutput out = outputs.get(o);
            int found = -1;
            for (int a = 0; a < acts.size(); a++) {
                if (acts.get(a).name().equals(out.channel())) {
                    found = a;
                }
            }
            if (found < 0) {
                throw new MappingMismatchException("action '" + out.channel() + "' (to " + out.topic() + " " + out.field()
                        + ") is not a channel of " + bundleLabel + " (" + describe(acts) + ")");
            }
            Channel c = acts.get(found);
            if (!out.unit().isEmpty() && !c.unit().isEmpty() && !out.unit().equals(c.unit())) {
                throw new MappingMismatchException("action '" + c.name() + "': parameter file writes " + out.unit()
                        + " to " + out.topic() + " " + out.field() + " but " + bundleLabel + " produces " + c.unit());
            }
            mapped[found] = true;
            index[o] = found;
        }
        for (int a = 0; a < acts.size(); a++) {
            if (!mapped[a]) {
                throw new MappingMismatchException(bundleLabel + " produces action '" + acts.get(a).name() + "' ["
                        + acts.get(a).unit() + "] but the parameter file maps no output to it");
            }
        }
        return index;
    }

    private static String describe(List<Channel> channels) {
        StringJoiner j = new StringJoiner(", ");
        int shown = 0;
        for (Channel c : channels) {
            if (shown++ == 8 && channels.size() > 10) {
                j.add("... " + (channels.size() - 9) + " more ...");
                j.add(channels.getLast().name() + " [" + channels.getLast().unit() + "]");
                break;
            }
            j.add(c.name() + " [" + c.unit() + "]");
        }
        return j.toString();
    }
}
