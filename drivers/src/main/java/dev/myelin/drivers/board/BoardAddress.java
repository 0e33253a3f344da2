package dev.myelin.drivers.board;

/**
 * Where a board is attached: {@code tcp://host:port} (a networked board or the emulator) or
 * {@code serial:/dev/ttyACM0} (USB/UART; {@code baud} defaults to 115200).
 */
public record BoardAddress(String host, int port, String serialPath, int baud) {

    public static BoardAddress tcp(String host, int port) {
        return new BoardAddress(host, port, null, 0);
    }

    public static BoardAddress serial(String path, int baud) {
        return new BoardAddress(null, 0, path, baud);
    }

    public boolean isSerial() {
        return serialPath != null;
    }

    /** Parses {@code tcp://host:port} or {@code serial:PATH}; the error names what was wrong. */
    public static BoardAddress parse(String text, int baud) {
        if (text.startsWith("tcp://")) {
            String rest = text.substring("tcp://".length());
            int colon = rest.lastIndexOf(':');
            if (colon <= 0 || colon == rest.length() - 1) {
                throw new IllegalArgumentException("board address '" + text + "' needs a host and a port: tcp://host:port");
            }
            String host = rest.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            int port;
            try {
                port = Integer.parseInt(rest.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("board address '" + text + "': port '" + rest.substring(colon + 1)
                        + "' is not a number");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("board address '" + text + "': port " + port + " is outside [1, 65535]");
            }
            return tcp(host, port);
        }
        if (text.startsWith("serial:")) {
            String path = text.substring("serial:".length());
            if (path.isEmpty()) {
                throw new IllegalArgumentException("board address '" + text + "' needs a device path: serial:/dev/ttyACM0");
            }
            if (baud <= 0) {
                throw new IllegalArgumentException("board address '" + text + "': baud rate must be positive, got " + baud);
            }
            return serial(path, baud);
        }
        throw new IllegalArgumentException("board address '" + text + "' must start with tcp:// or serial:");
    }

    @Override
    public String toString() {
        return isSerial() ? "serial:" + serialPath : "tcp://" + host + ":" + port;
    }
}
