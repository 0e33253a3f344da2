package dev.myelin.ros2.dds;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

/**
 * The slice of Cyclone DDS's public C API ({@code dds/dds.h}, {@code dds/ddsi/ddsi_serdata.h}) this
 * module uses, bound through {@code java.lang.foreign}. No JNI, no generated code, no compiler at
 * run time.
 *
 * <p>Creating calls return entity handles and throw {@link DdsException} (with Cyclone's
 * {@code dds_strretcode} text) on failure. Hot-path calls ({@link #write}, {@link #takeCdr}, the
 * {@code serdata} accessors) take pointers as raw addresses or preallocated segments and allocate
 * nothing. Pointers the caller passes as {@code long} are native addresses; on the LP64 ABIs the
 * JDK supports a pointer and a 64-bit integer travel in the same register.
 *
 * <p>All methods are thread-safe as far as Cyclone's calls are (they are, apart from using one
 * entity after another thread deleted it, which yields {@code DDS_RETCODE_BAD_PARAMETER}).
 */
public final class Cyclone {
    // dds_return_t codes (dds/ddsrt/retcode.h)
    public static final int RETCODE_OK = 0;
    public static final int RETCODE_BAD_PARAMETER = -3;
    public static final int RETCODE_PRECONDITION_NOT_MET = -4;
    public static final int RETCODE_ALREADY_DELETED = -9;
    public static final int RETCODE_TIMEOUT = -10;

    // QoS policy kinds (dds/ddsc/dds_public_qosdefs.h)
    public static final int RELIABILITY_BEST_EFFORT = 0;
    public static final int RELIABILITY_RELIABLE = 1;
    public static final int DURABILITY_VOLATILE = 0;
    public static final int DURABILITY_TRANSIENT_LOCAL = 1;
    public static final int HISTORY_KEEP_LAST = 0;
    public static final int HISTORY_KEEP_ALL = 1;

    // Read masks: sample | view | instance state.
    public static final int ANY_STATE = 0x7f;
    /** {@code instance_state} of a sample whose instance is alive ({@code DDS_IST_ALIVE}, a mask bit). */
    public static final int INSTANCE_STATE_ALIVE = 0x10;

    /** Built-in topic pseudo handles ({@code DDS_MIN_PSEUDO_HANDLE + n}). */
    public static final int BUILTIN_TOPIC_DCPSPARTICIPANT = 0x7fff0000 + 1;
    public static final int BUILTIN_TOPIC_DCPSPUBLICATION = 0x7fff0000 + 3;
    public static final int BUILTIN_TOPIC_DCPSSUBSCRIPTION = 0x7fff0000 + 4;

    public static final long INFINITY = Long.MAX_VALUE;

    /** {@code sizeof (dds_sample_info_t)} and the offsets this module reads. */
    public static final long SAMPLE_INFO_SIZE = 64;
    public static final long SAMPLE_INFO_VALID_DATA = 12;
    public static final long SAMPLE_INFO_SOURCE_TIMESTAMP = 16;
    public static final long SAMPLE_INFO_INSTANCE_STATE = 8;

    /** {@code dds_builtintopic_endpoint_t}: key guid, participant guid, handle, topic, type, qos. */
    public static final long ENDPOINT_KEY = 0;
    public static final long ENDPOINT_PARTICIPANT_KEY = 16;
    public static final long ENDPOINT_TOPIC_NAME = 40;
    public static final long ENDPOINT_TYPE_NAME = 48;
    public static final long ENDPOINT_QOS = 56;

    /** {@code dds_publication_matched_status_t} / {@code dds_subscription_matched_status_t}. */
    public static final long MATCHED_STATUS_SIZE = 24;
    public static final long MATCHED_STATUS_CURRENT_COUNT = 8;

    /** {@code dds_topic_descriptor_t} (0.10): size and field offsets. */
    public static final long DESCRIPTOR_SIZE = 96;
    public static final long DESCRIPTOR_M_SIZE = 0;
    public static final long DESCRIPTOR_M_ALIGN = 4;
    public static final long DESCRIPTOR_M_FLAGSET = 8;
    public static final long DESCRIPTOR_M_NKEYS = 12;
    public static final long DESCRIPTOR_M_TYPENAME = 16;
    public static final long DESCRIPTOR_M_KEYS = 24;
    public static final long DESCRIPTOR_M_NOPS = 32;
    public static final long DESCRIPTOR_M_OPS = 40;
    public static final long DESCRIPTOR_M_META = 48;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIB = CycloneLibrary.lookup();
    private static final Linker.Option[] NONE = new Linker.Option[0];
    /** Short, non-blocking calls that never call back into Java. */
    private static final Linker.Option[] CRITICAL = {Linker.Option.critical(false)};

    private static final MethodHandle STRRETCODE = fn("dds_strretcode", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle CREATE_DOMAIN = fn("dds_create_domain",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle CREATE_PARTICIPANT = fn("dds_create_participant",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CREATE_TOPIC = fn("dds_create_topic",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle CREATE_WRITER = fn("dds_create_writer",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle CREATE_READER = fn("dds_create_reader",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle DELETE = fn("dds_delete", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle GET_GUID = fn("dds_get_guid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    private static final MethodHandle CREATE_QOS = fn("dds_create_qos", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle DELETE_QOS = fn("dds_delete_qos", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle QSET_RELIABILITY = fn("dds_qset_reliability",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_LONG));
    private static final MethodHandle QSET_DURABILITY = fn("dds_qset_durability",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
    private static final MethodHandle QSET_HISTORY = fn("dds_qset_history",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle QSET_DATA_REPRESENTATION = fn("dds_qset_data_representation",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, ADDRESS));
    private static final MethodHandle QSET_DURABILITY_SERVICE = fn("dds_qset_durability_service",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle QSET_USERDATA = fn("dds_qset_userdata",
            FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, JAVA_LONG));
    private static final MethodHandle QGET_USERDATA = fn("dds_qget_userdata",
            FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle FREE = fn("dds_free", FunctionDescriptor.ofVoid(ADDRESS));
    private static final MethodHandle QGET_RELIABILITY = fn("dds_qget_reliability",
            FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle QGET_DURABILITY = fn("dds_qget_durability",
            FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, ADDRESS));
    private static final MethodHandle QGET_HISTORY = fn("dds_qget_history",
            FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, ADDRESS, ADDRESS));

    private static final MethodHandle WRITE = fn("dds_write", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle WAIT_FOR_ACKS = fn("dds_wait_for_acks",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle TAKECDR = fn("dds_takecdr",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SERDATA_SIZE = fn("ddsi_serdata_size",
            FunctionDescriptor.of(JAVA_INT, JAVA_LONG), CRITICAL);
    private static final MethodHandle SERDATA_TO_SER = fn("ddsi_serdata_to_ser",
            FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG), CRITICAL);
    private static final MethodHandle SERDATA_UNREF = fn("ddsi_serdata_unref",
            FunctionDescriptor.ofVoid(JAVA_LONG), CRITICAL);
    private static final MethodHandle READ = fn("dds_read",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RETURN_LOAN = fn("dds_return_loan",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));

    private static final MethodHandle CREATE_WAITSET = fn("dds_create_waitset",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle WAITSET_ATTACH = fn("dds_waitset_attach",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle WAITSET_DETACH = fn("dds_waitset_detach",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle WAITSET_WAIT = fn("dds_waitset_wait",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle WAITSET_SET_TRIGGER = fn("dds_waitset_set_trigger",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_BOOLEAN));
    private static final MethodHandle CREATE_READCONDITION = fn("dds_create_readcondition",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle GET_PUBLICATION_MATCHED = fn("dds_get_publication_matched_status",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle GET_SUBSCRIPTION_MATCHED = fn("dds_get_subscription_matched_status",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    private Cyclone() {
    }

    @SuppressWarnings("restricted") // binding the C library is the point of this class
    private static MethodHandle fn(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        MemorySegment address = LIB.find(name).orElseThrow(() -> new DdsUnavailableException(
                "Cyclone DDS library " + CycloneLibrary.openedName() + " lacks " + name
                        + "; version 0.10 or newer is required"));
        return LINKER.downcallHandle(address, descriptor, options.length == 0 ? NONE : options);
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    /** Cyclone's text for a return code, e.g. "Bad Parameter". */
    @SuppressWarnings("restricted") // dds_strretcode returns a static C string
    public static String retcodeText(int rc) {
        try {
            MemorySegment text = (MemorySegment) STRRETCODE.invokeExact(rc);
            return text.equals(MemorySegment.NULL) ? "unknown" : text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Throws {@link DdsException} for a negative return code; returns it unchanged otherwise. */
    public static int check(int rc, String operation) {
        if (rc < 0) {
            throw new DdsException(operation, rc, retcodeText(rc));
        }
        return rc;
    }

    /** {@code dds_create_domain}: a domain configured by XML (a config string, not a file name). */
    public static int createDomain(int domainId, String configXml) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) CREATE_DOMAIN.invokeExact(domainId, arena.allocateFrom(configXml));
            return check(rc, "dds_create_domain(" + domainId + ")");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code dds_create_participant} with default QoS. */
    public static int createParticipant(int domainId) {
        return createParticipant(domainId, MemorySegment.NULL);
    }

    /** {@code dds_create_participant} with a QoS (NULL for the default). */
    public static int createParticipant(int domainId, MemorySegment qos) {
        try {
            int rc = (int) CREATE_PARTICIPANT.invokeExact(domainId, qos, MemorySegment.NULL);
            return check(rc, "dds_create_participant(domain " + domainId + ")");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code dds_create_topic}; the descriptor must stay valid as long as the topic exists. */
    public static int createTopic(int participant, MemorySegment descriptor, String name) {
        try (Arena arena = Arena.ofConfined()) {
            int rc = (int) CREATE_TOPIC.invokeExact(participant, descriptor, arena.allocateFrom(name),
                    MemorySegment.NULL, MemorySegment.NULL);
            return check(rc, "dds_create_topic(" + name + ")");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int createWriter(int participantOrPublisher, int topic, MemorySegment qos) {
        try {
            int rc = (int) CREATE_WRITER.invokeExact(participantOrPublisher, topic, qos, MemorySegment.NULL);
            return check(rc, "dds_create_writer");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int createReader(int participantOrSubscriber, int topic, MemorySegment qos) {
        try {
            int rc = (int) CREATE_READER.invokeExact(participantOrSubscriber, topic, qos, MemorySegment.NULL);
            return check(rc, "dds_create_reader");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code dds_delete}; returns the raw return code so that closing paths can ignore "already deleted". */
    public static int delete(int entity) {
        try {
            return (int) DELETE.invokeExact(entity);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code dds_get_guid} into a 16-byte segment. */
    public static void getGuid(int entity, MemorySegment guid16) {
        try {
            check((int) GET_GUID.invokeExact(entity, guid16), "dds_get_guid");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** A new QoS object; free with {@link #deleteQos}. */
    public static MemorySegment createQos() {
        try {
            MemorySegment qos = (MemorySegment) CREATE_QOS.invokeExact();
            if (qos.equals(MemorySegment.NULL)) {
                throw new DdsException("dds_create_qos", -1, "out of memory");
            }
            return qos;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void deleteQos(MemorySegment qos) {
        try {
            DELETE_QOS.invokeExact(qos);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void setReliability(MemorySegment qos, int kind, long maxBlockingNanos) {
        try {
            QSET_RELIABILITY.invokeExact(qos, kind, maxBlockingNanos);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void setDurability(MemorySegment qos, int kind) {
        try {
            QSET_DURABILITY.invokeExact(qos, kind);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void setHistory(MemorySegment qos, int kind, int depth) {
        try {
            QSET_HISTORY.invokeExact(qos, kind, depth);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Restricts the data representations ({@code DDS_DATA_REPRESENTATION_XCDR1} = 0,
     * {@code XCDR2} = 2) a writer may use or a reader accepts.
     */
    public static void setDataRepresentation(MemorySegment qos, short... ids) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment values = arena.allocate(java.lang.foreign.ValueLayout.JAVA_SHORT, ids.length);
            for (int i = 0; i < ids.length; i++) {
                values.setAtIndex(java.lang.foreign.ValueLayout.JAVA_SHORT, i, ids[i]);
            }
            QSET_DATA_REPRESENTATION.invokeExact(qos, ids.length, values);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * Sets the DURABILITY_SERVICE history: how many samples a transient-local writer keeps for
     * late-joining readers (Cyclone's default is keep-last 1, whatever the writer's own history).
     */
    public static void setDurabilityService(MemorySegment qos, int historyKind, int depth) {
        try {
            QSET_DURABILITY_SERVICE.invokeExact(qos, 0L, historyKind, depth, -1, -1, -1);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Sets the USER_DATA policy to the given bytes. */
    public static void setUserData(MemorySegment qos, byte[] value) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocate(Math.max(1, value.length));
            MemorySegment.copy(value, 0, bytes, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, value.length);
            QSET_USERDATA.invokeExact(qos, bytes, (long) value.length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The USER_DATA bytes of a QoS, empty when the policy is not set or empty. */
    @SuppressWarnings("restricted") // the copy Cyclone returns is read and freed here
    public static byte[] userDataOf(MemorySegment qos) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(ADDRESS);
            MemorySegment size = arena.allocate(JAVA_LONG);
            boolean set = (boolean) QGET_USERDATA.invokeExact(qos, value, size);
            MemorySegment data = value.get(ADDRESS, 0);
            if (!set || data.equals(MemorySegment.NULL)) {
                return new byte[0];
            }
            long n = size.get(JAVA_LONG, 0);
            try {
                return data.reinterpret(n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            } finally {
                FREE.invokeExact(data);
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Reliability kind of a QoS, or -1 when the policy is not set. */
    public static int reliabilityOf(MemorySegment qos) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment kind = arena.allocate(JAVA_INT);
            MemorySegment blocking = arena.allocate(JAVA_LONG);
            boolean set = (boolean) QGET_RELIABILITY.invokeExact(qos, kind, blocking);
            return set ? kind.get(JAVA_INT, 0) : -1;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Durability kind of a QoS, or -1 when the policy is not set. */
    public static int durabilityOf(MemorySegment qos) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment kind = arena.allocate(JAVA_INT);
            boolean set = (boolean) QGET_DURABILITY.invokeExact(qos, kind);
            return set ? kind.get(JAVA_INT, 0) : -1;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** History of a QoS as {@code {kind, depth}}, or null when the policy is not set. */
    public static int[] historyOf(MemorySegment qos) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment kind = arena.allocate(JAVA_INT);
            MemorySegment depth = arena.allocate(JAVA_INT);
            boolean set = (boolean) QGET_HISTORY.invokeExact(qos, kind, depth);
            return set ? new int[] {kind.get(JAVA_INT, 0), depth.get(JAVA_INT, 0)} : null;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code dds_write} of a sample in the topic descriptor's C layout; returns the raw return code. */
    public static int write(int writer, MemorySegment sample) {
        try {
            return (int) WRITE.invokeExact(writer, sample);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code dds_wait_for_acks}; returns the raw return code ({@link #RETCODE_TIMEOUT} on timeout). */
    public static int waitForAcks(int writer, long timeoutNanos) {
        try {
            return (int) WAIT_FOR_ACKS.invokeExact(writer, timeoutNanos);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * {@code dds_takecdr}: up to {@code max} serialized samples; {@code serdataPointers} receives
     * {@code struct ddsi_serdata *} values that must each be released with {@link #serdataUnref}.
     */
    public static int takeCdr(int reader, MemorySegment serdataPointers, int max, MemorySegment infos, int mask) {
        try {
            return (int) TAKECDR.invokeExact(reader, serdataPointers, max, infos, mask);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Serialized size including the 4-byte encapsulation header. */
    public static int serdataSize(long serdata) {
        try {
            return (int) SERDATA_SIZE.invokeExact(serdata);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Copies {@code size} serialized bytes starting at {@code offset} to the native address {@code destination}. */
    public static void serdataToSer(long serdata, long offset, long size, long destination) {
        try {
            SERDATA_TO_SER.invokeExact(serdata, offset, size, destination);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void serdataUnref(long serdata) {
        try {
            SERDATA_UNREF.invokeExact(serdata);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code dds_read} with loans when {@code buffer[0]} is NULL; release with {@link #returnLoan}. */
    public static int read(int reader, MemorySegment buffer, MemorySegment infos, long bufferSize, int max) {
        try {
            return (int) READ.invokeExact(reader, buffer, infos, bufferSize, max);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int returnLoan(int reader, MemorySegment buffer, int count) {
        try {
            return (int) RETURN_LOAN.invokeExact(reader, buffer, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int createWaitset(int participant) {
        try {
            return check((int) CREATE_WAITSET.invokeExact(participant), "dds_create_waitset");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static void waitsetAttach(int waitset, int entity, long attachment) {
        try {
            check((int) WAITSET_ATTACH.invokeExact(waitset, entity, attachment), "dds_waitset_attach");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Returns the raw return code: detaching an entity already deleted is not an error for callers. */
    public static int waitsetDetach(int waitset, int entity) {
        try {
            return (int) WAITSET_DETACH.invokeExact(waitset, entity);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** Blocks until an attached condition triggers or the timeout passes; returns how many triggered. */
    public static int waitsetWait(int waitset, MemorySegment attachments, long capacity, long timeoutNanos) {
        try {
            return (int) WAITSET_WAIT.invokeExact(waitset, attachments, capacity, timeoutNanos);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int waitsetSetTrigger(int waitset, boolean trigger) {
        try {
            return (int) WAITSET_SET_TRIGGER.invokeExact(waitset, trigger);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int createReadCondition(int reader, int mask) {
        try {
            return check((int) CREATE_READCONDITION.invokeExact(reader, mask), "dds_create_readcondition");
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code current_count} of a writer's publication-matched status (subscriptions matched now). */
    public static int matchedSubscriptions(int writer, MemorySegment status) {
        try {
            check((int) GET_PUBLICATION_MATCHED.invokeExact(writer, status), "dds_get_publication_matched_status");
            return status.get(JAVA_INT, MATCHED_STATUS_CURRENT_COUNT);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code current_count} of a reader's subscription-matched status (publications matched now). */
    public static int matchedPublications(int reader, MemorySegment status) {
        try {
            check((int) GET_SUBSCRIPTION_MATCHED.invokeExact(reader, status), "dds_get_subscription_matched_status");
            return status.get(JAVA_INT, MATCHED_STATUS_CURRENT_COUNT);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }
    private static final MethodHandle GET_INSTANCE_HANDLE = fn("dds_get_instance_handle",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));

    /** {@code dds_get_instance_handle}: the entity's process-local instance handle. */
    public static long instanceHandle(int entity) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment h = arena.allocate(JAVA_LONG);
            check((int) GET_INSTANCE_HANDLE.invokeExact(entity, h), "dds_get_instance_handle");
            return h.get(JAVA_LONG, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static final MethodHandle GET_MATCHED_SUBSCRIPTIONS = fn("dds_get_matched_subscriptions",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle GET_MATCHED_PUBLICATIONS = fn("dds_get_matched_publications",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle GET_MATCHED_SUBSCRIPTION_DATA = fn("dds_get_matched_subscription_data",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_LONG));
    private static final MethodHandle GET_MATCHED_PUBLICATION_DATA = fn("dds_get_matched_publication_data",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_LONG));
    private static final MethodHandle FREE_ENDPOINT = fn("dds_builtintopic_free_endpoint",
            FunctionDescriptor.ofVoid(ADDRESS));
    /**
     * The USER_DATA (as text) of every endpoint matched with {@code entity}: the readers matched
     * with a writer, or the writers matched with a reader. Endpoints without USER_DATA give "".
     */
    @SuppressWarnings("restricted") // Cyclone-owned endpoint data, freed here
    public static java.util.List<String> matchedUserData(int entity, boolean writer) {
        java.util.List<String> out = new java.util.ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            int capacity = 64;
            MemorySegment handles = arena.allocate(JAVA_LONG, capacity);
            int n = writer ? (int) GET_MATCHED_SUBSCRIPTIONS.invokeExact(entity, handles, (long) capacity)
                    : (int) GET_MATCHED_PUBLICATIONS.invokeExact(entity, handles, (long) capacity);
            check(n, writer ? "dds_get_matched_subscriptions" : "dds_get_matched_publications");
            for (int i = 0; i < Math.min(n, capacity); i++) {
                long ih = handles.getAtIndex(JAVA_LONG, i);
                MemorySegment ep = writer ? (MemorySegment) GET_MATCHED_SUBSCRIPTION_DATA.invokeExact(entity, ih)
                        : (MemorySegment) GET_MATCHED_PUBLICATION_DATA.invokeExact(entity, ih);
                if (ep.equals(MemorySegment.NULL)) {
                    continue; // unmatched in between
                }
                try {
                    MemorySegment qos = ep.reinterpret(64).get(ADDRESS, ENDPOINT_QOS);
                    String text = qos.equals(MemorySegment.NULL) ? ""
                            : new String(userDataOf(qos), java.nio.charset.StandardCharsets.US_ASCII);
                    out.add(text);
                } finally {
                    FREE_ENDPOINT.invokeExact(ep);
                }
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
        return out;
    }
}
