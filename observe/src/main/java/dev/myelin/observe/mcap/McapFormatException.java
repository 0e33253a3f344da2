package dev.myelin.observe.mcap;

import java.io.IOException;

/** An MCAP file that does not follow the format; the message names the file, the offset and what was wrong. */
public final class McapFormatException extends IOException {
    public McapFormatException(String message) {
        super(message);
    }
}
