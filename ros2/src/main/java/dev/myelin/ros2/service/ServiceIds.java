package dev.myelin.ros2.service;

import dev.myelin.ros2.Context;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The id rmw_cyclonedds writes as {@code serviceid=} / {@code clientid=} in USER_DATA so that a
 * service's reader and writer (or a client's) can be told apart from others' and paired: the
 * first 12 bytes of the participant's GUID followed by a 32-bit big-endian counter, printed as
 * hex bytes joined by dots, the first byte two digits wide, the others without padding.
 */
final class ServiceIds {
    private static final AtomicInteger COUNTER = new AtomicInteger();

    private ServiceIds() {
    }

    static String next(Context context) {
        byte[] id = context.participantGuidBytes();
        int n = COUNTER.incrementAndGet();
        for (int i = 0; i < 4; i++) {
            id[12 + i] = (byte) (n >>> (24 - 8 * i));
        }
        return format(id);
    }

    static String format(byte[] id) {
        StringBuilder sb = new StringBuilder(String.format("%02x", id[0] & 0xff));
        for (int i = 1; i < id.length; i++) {
            sb.append('.').append(Integer.toHexString(id[i] & 0xff));
        }
        return sb.toString();
    }
}
