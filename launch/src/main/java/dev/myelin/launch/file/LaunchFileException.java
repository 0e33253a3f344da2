package dev.myelin.launch.file;

/** A launch file that cannot be used; the message names the file, the line and the key. */
public final class LaunchFileException extends IllegalArgumentException {
    private final String source;
    private final int line;
    private final String key;

    public LaunchFileException(String source, int line, String key, String problem) {
        super(source + (line > 0 ? ":" + line : "") + (key != null ? ": key '" + key + "'" : "") + ": " + problem);
        this.source = source;
        this.line = line;
        this.key = key;
    }

    /** The file (or description of the text) at fault. */
    public String source() {
        return source;
    }

    /** 1-based line, or 0 when unknown. */
    public int line() {
        return line;
    }

    /** The key at fault, or null. */
    public String key() {
        return key;
    }
}
