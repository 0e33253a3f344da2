package dev.myelin.drivers.board;

import java.io.IOException;

/** A malformed frame, or an ERROR reply from the board: the protocol error code and the reason. */
public final class BoardProtocolException extends IOException {
    private final int code;
    private final String reason;

    public BoardProtocolException(int code, String reason) {
        super(BoardProtocol.errorName(code) + ": " + reason);
        this.code = code;
        this.reason = reason;
    }

    /** One of the {@code BoardProtocol.E_*} codes. */
    public int code() {
        return code;
    }

    /** The reason without the code's name. */
    public String reason() {
        return reason;
    }
}
