// eProsima Fast DDS peer for interop tests: C++ against the types fastddsgen generates from
// ros_types.idl, Fast CDR as serializer, UDPv4 on 127.0.0.1 only, unicast discovery of the
// well-known ports of participants 0..40 on 127.0.0.1 (what ROS_LOCALHOST_ONLY does with
// rmw_fastrtps).
//
//   fastdds_peer DOMAIN pub TYPE TOPIC COUNT [PERIOD_MS]   publish samples made by fill(i)
//   fastdds_peer DOMAIN sub TYPE TOPIC COUNT [TIMEOUT_S]   print COUNT samples: Fast CDR bytes and fields
//
// TYPE is twist, scan or string; topics are DDS names (rt/...). Output lines as cyclone_peer.c.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fastdds/dds/domain/DomainParticipant.hpp>
#include <fastdds/dds/domain/DomainParticipantFactory.hpp>
#include <fastdds/dds/publisher/DataWriter.hpp>
#include <fastdds/dds/publisher/Publisher.hpp>
#include <fastdds/dds/subscriber/DataReader.hpp>
#include <fastdds/dds/subscriber/SampleInfo.hpp>
#include <fastdds/dds/subscriber/Subscriber.hpp>
#include <fastdds/dds/topic/TypeSupport.hpp>
#include <fastdds/rtps/transport/UDPv4TransportDescriptor.h>
#include <fastrtps/rtps/common/SerializedPayload.h>
#include <fastrtps/utils/IPLocator.h>

#include "ros_typesPubSubTypes.h"

using namespace eprosima::fastdds::dds;
using eprosima::fastrtps::rtps::IPLocator;
using eprosima::fastrtps::rtps::Locator_t;
using eprosima::fastrtps::rtps::SerializedPayload_t;

namespace gm = geometry_msgs::msg::dds_;
namespace sm = sensor_msgs::msg::dds_;
namespace stdm = std_msgs::msg::dds_;

// ---- sample i of each type; the Java tests build the same values ----

static void fill(gm::Twist_ &t, int i)
{
    t.linear().x(i + 0.5);
    t.linear().y(-i);
    t.linear().z(i * 1e-3);
    t.angular().x(0.25 * i);
    t.angular().y((i % 2 == 0) ? (double) NAN : -1e300);
    t.angular().z(7.0);
}

static void fill(sm::LaserScan_ &s, int i)
{
    s.header().stamp().sec(1700000000 + i);
    s.header().stamp().nanosec(1000u * (uint32_t) i);
    s.header().frame_id("laser_" + std::to_string(i));
    s.angle_min(-3.14159f);
    s.angle_max(3.14159f);
    s.angle_increment(0.0174533f);
    s.time_increment(1e-4f);
    s.scan_time(0.1f);
    s.range_min(0.12f);
    s.range_max(12.0f);
    std::vector<float> ranges(360);
    for (int k = 0; k < 360; k++)
        ranges[k] = (float) (k * 0.01 + i);
    ranges[7] = INFINITY;
    ranges[8] = NAN;
    s.ranges(ranges);
    std::vector<float> intensities(i % 3);
    for (int k = 0; k < i % 3; k++)
        intensities[k] = (float) k + 0.5f;
    s.intensities(intensities);
}

static void fill(stdm::String_ &s, int i)
{
    s.data("hello " + std::to_string(i) + " \xc3\xbc" "n\xc3\xaf" "c\xc3\xb8" "d\xc3\xa9 \xe2\x9c\x93");
}

// ---- printing ----

static void print(const gm::Twist_ &t)
{
    printf("SAMPLE twist %a %a %a %a %a %a\n", t.linear().x(), t.linear().y(), t.linear().z(),
           t.angular().x(), t.angular().y(), t.angular().z());
}

static void print(const sm::LaserScan_ &s)
{
    printf("SAMPLE scan %d %u %s %a %a %a %a %a %a %a %zu", s.header().stamp().sec(), s.header().stamp().nanosec(),
           s.header().frame_id().c_str(), s.angle_min(), s.angle_max(), s.angle_increment(), s.time_increment(),
           s.scan_time(), s.range_min(), s.range_max(), s.ranges().size());
    for (float r : s.ranges())
        printf(" %a", r);
    printf(" %zu", s.intensities().size());
    for (float v : s.intensities())
        printf(" %a", v);
    printf("\n");
}

static void print(const stdm::String_ &s)
{
    printf("SAMPLE string ");
    for (unsigned char c : s.data())
        printf("%02x", c);
    printf("\n");
}

static void print_cdr(TypeSupport &type, void *sample)
{
    SerializedPayload_t payload(type->getSerializedSizeProvider(sample)());
    if (!type->serialize(sample, &payload)) {
        fprintf(stderr, "fastdds_peer: serialize failed\n");
        exit(2);
    }
    printf("CDR ");
    for (uint32_t k = 0; k < payload.length; k++)
        printf("%02x", payload.data[k]);
    printf("\n");
}

// ---- entities ----

static DomainParticipant *participant(int domain)
{
    DomainParticipantQos pqos;
    pqos.name("fastdds_peer");
    pqos.transport().use_builtin_transports = false;
    auto udp = std::make_shared<eprosima::fastdds::rtps::UDPv4TransportDescriptor>();
    udp->interfaceWhiteList.push_back("127.0.0.1");
    udp->maxInitialPeersRange = 41;
    pqos.transport().user_transports.push_back(udp);
    Locator_t peer;
    IPLocator::setIPv4(peer, 127, 0, 0, 1);
    peer.port = 0; // 0: the well-known ports of participant ids 0..maxInitialPeersRange-1
    pqos.wire_protocol().builtin.initialPeersList.push_back(peer);
    pqos.wire_protocol().builtin.avoid_builtin_multicast = true;
    DomainParticipant *p = DomainParticipantFactory::get_instance()->create_participant(domain, pqos);
    if (p == nullptr) {
        fprintf(stderr, "fastdds_peer: create_participant failed\n");
        exit(2);
    }
    return p;
}

/* pub mode: how many matched subscriptions to wait for before publishing (argument 7, default 1). */
static int g_min_readers = 1;

template <typename T, typename PubSubT>
static int run_pub(DomainParticipant *p, const char *topic_name, int count, int period_ms)
{
    TypeSupport type(new PubSubT());
    type.register_type(p);
    Topic *topic = p->create_topic(topic_name, type.get_type_name(), TOPIC_QOS_DEFAULT);
    Publisher *pub = p->create_publisher(PUBLISHER_QOS_DEFAULT);
    DataWriterQos wqos = DATAWRITER_QOS_DEFAULT;
    wqos.reliability().kind = RELIABLE_RELIABILITY_QOS;
    wqos.durability().kind = VOLATILE_DURABILITY_QOS;
    wqos.history().kind = KEEP_LAST_HISTORY_QOS;
    wqos.history().depth = count > 10 ? count : 10;
    wqos.publish_mode().kind = SYNCHRONOUS_PUBLISH_MODE;
    DataWriter *writer = pub->create_datawriter(topic, wqos);
    if (topic == nullptr || writer == nullptr) {
        fprintf(stderr, "fastdds_peer: cannot create writer\n");
        return 2;
    }
    printf("READY\n");
    fflush(stdout);
    PublicationMatchedStatus status;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    do {
        writer->get_publication_matched_status(status);
        if (status.current_count >= g_min_readers)
            break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    } while (std::chrono::steady_clock::now() < deadline);
    if (status.current_count < g_min_readers) {
        fprintf(stderr, "fastdds_peer: %d of %d subscriptions matched %s\n", (int) status.current_count, g_min_readers,
                topic_name);
        return 1;
    }
    // Discovery is two-sided: give the readers time to match this writer too, or they drop the first samples.
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    printf("MATCHED\n");
    fflush(stdout);
    for (int i = 0; i < count; i++) {
        T sample;
        fill(sample, i);
        writer->write(&sample);
        if (period_ms > 0)
            std::this_thread::sleep_for(std::chrono::milliseconds(period_ms));
    }
    writer->wait_for_acknowledgments(eprosima::fastrtps::Duration_t(10, 0));
    printf("DONE\n");
    fflush(stdout);
    return 0;
}

template <typename T, typename PubSubT>
static int run_sub(DomainParticipant *p, const char *topic_name, int count, int timeout_s)
{
    TypeSupport type(new PubSubT());
    type.register_type(p);
    Topic *topic = p->create_topic(topic_name, type.get_type_name(), TOPIC_QOS_DEFAULT);
    Subscriber *sub = p->create_subscriber(SUBSCRIBER_QOS_DEFAULT);
    DataReaderQos rqos = DATAREADER_QOS_DEFAULT;
    rqos.reliability().kind = RELIABLE_RELIABILITY_QOS;
    rqos.durability().kind = VOLATILE_DURABILITY_QOS;
    rqos.history().kind = KEEP_LAST_HISTORY_QOS;
    rqos.history().depth = count > 0 ? count : 1;
    DataReader *reader = sub->create_datareader(topic, rqos);
    if (topic == nullptr || reader == nullptr) {
        fprintf(stderr, "fastdds_peer: cannot create reader\n");
        return 2;
    }
    printf("READY\n");
    fflush(stdout);
    int got = 0;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (got < count && std::chrono::steady_clock::now() < deadline) {
        reader->wait_for_unread_message(eprosima::fastrtps::Duration_t(0, 100000000));
        T sample;
        SampleInfo info;
        while (got < count && reader->take_next_sample(&sample, &info) == ReturnCode_t::RETCODE_OK) {
            if (info.valid_data) {
                print_cdr(type, &sample);
                print(sample);
                got++;
            }
        }
        fflush(stdout);
    }
    printf("DONE %d\n", got);
    fflush(stdout);
    return got == count ? 0 : 1;
}

template <typename T, typename PubSubT>
static int run(DomainParticipant *p, const char *mode, const char *topic, int count, int extra)
{
    if (strcmp(mode, "pub") == 0)
        return run_pub<T, PubSubT>(p, topic, count, extra);
    if (strcmp(mode, "sub") == 0)
        return run_sub<T, PubSubT>(p, topic, count, extra);
    fprintf(stderr, "fastdds_peer: unknown mode %s\n", mode);
    return 3;
}

int main(int argc, char **argv)
{
    if (argc < 6) {
        fprintf(stderr, "usage: fastdds_peer DOMAIN pub|sub TYPE TOPIC COUNT [PERIOD_MS|TIMEOUT_S [MIN_READERS]]\n");
        return 3;
    }
    int domain = atoi(argv[1]);
    const char *mode = argv[2];
    const char *type = argv[3];
    const char *topic = argv[4];
    int count = atoi(argv[5]);
    int extra = argc > 6 ? atoi(argv[6]) : (strcmp(mode, "sub") == 0 ? 30 : 5);
    g_min_readers = argc > 7 ? atoi(argv[7]) : 1;
    DomainParticipant *p = participant(domain);
    int rc;
    if (strcmp(type, "twist") == 0)
        rc = run<gm::Twist_, gm::Twist_PubSubType>(p, mode, topic, count, extra);
    else if (strcmp(type, "scan") == 0)
        rc = run<sm::LaserScan_, sm::LaserScan_PubSubType>(p, mode, topic, count, extra);
    else if (strcmp(type, "string") == 0)
        rc = run<stdm::String_, stdm::String_PubSubType>(p, mode, topic, count, extra);
    else {
        fprintf(stderr, "fastdds_peer: unknown type %s\n", type);
        rc = 3;
    }
    p->delete_contained_entities();
    DomainParticipantFactory::get_instance()->delete_participant(p);
    return rc;
}
