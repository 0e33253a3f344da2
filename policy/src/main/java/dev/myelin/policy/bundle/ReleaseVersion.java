package dev.myelin.policy.bundle;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A bundle's release version {@code MAJOR.MINOR.PATCH}, ordered numerically field by field
 * ({@code 1.10.0 > 1.9.3}), so an update agent can refuse downgrades. Each field is a decimal integer
 * without leading zeros, at most 999999999. Immutable.
 */
public record ReleaseVersion(int major, int minor, int patch) implements Comparable<ReleaseVersion> {

    private static final Pattern FORMAT = Pattern.compile("(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})\\.(0|[1-9][0-9]{0,8})");

    public ReleaseVersion {
        if (major < 0 || minor < 0 || patch < 0) {
            throw new IllegalArgumentException("release version fields must be >= 0, got " + major + "." + minor + "." + patch);
        }
    }

    /** Parses {@code MAJOR.MINOR.PATCH}; throws IllegalArgumentException quoting the text otherwise. */
    public static ReleaseVersion parse(String text) {
        Matcher m = text == null ? null : FORMAT.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("release version must be MAJOR.MINOR.PATCH (decimal, no leading zeros), got '"
                    + text + "'");
        }
        return new ReleaseVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    @Override
    public int compareTo(ReleaseVersion o) {
        int c = Integer.compare(major, o.major);
        if (c == 0) {
            c = Integer.compare(minor, o.minor);
        }
        return c != 0 ? c : Integer.compare(patch, o.patch);
    }

    public boolean isNewerThan(ReleaseVersion o) {
        return compareTo(o) > 0;
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
