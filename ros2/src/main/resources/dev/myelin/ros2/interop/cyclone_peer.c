/*
 * Independent Cyclone DDS peer for interop tests and benchmarks: plain C against the types idlc
 * generates from ros_types.idl, with Cyclone's own serializer. Joins the domain given on the
 * command line with the configuration in CYCLONEDDS_URI.
 *
 *   cyclone_peer DOMAIN pub  TYPE TOPIC COUNT [PERIOD_MS]   publish samples made by fill_TYPE(i)
 *   cyclone_peer DOMAIN sub  TYPE TOPIC COUNT [TIMEOUT_S]   print COUNT samples: CDR bytes and fields
 *   cyclone_peer DOMAIN pong TYPE IN OUT SECONDS            echo every sample from IN to OUT
 *   cyclone_peer DOMAIN ping TYPE OUT IN WARMUP COUNT       round trips against a pong, one in flight
 *
 * TYPE is twist, scan or string; topics are DDS names (rt/...). Output lines:
 *   READY / MATCHED / DONE, "CDR <hex>" and "SAMPLE <type> <fields>" with floating point in C99 %a,
 *   "RTT <ns> <ns> ..." (ping: every measured round trip, 1000 per line).
 */
#include <inttypes.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dds/dds.h"
#include "dds/ddsi/ddsi_serdata.h"
#include "ros_types.h"

static int fail(const char *what, dds_return_t rc)
{
  fprintf(stderr, "cyclone_peer: %s: %s\n", what, dds_strretcode(rc));
  exit(2);
}

static const dds_topic_descriptor_t *descriptor(const char *type)
{
  if (strcmp(type, "twist") == 0) return &geometry_msgs_msg_dds__Twist__desc;
  if (strcmp(type, "scan") == 0) return &sensor_msgs_msg_dds__LaserScan__desc;
  if (strcmp(type, "string") == 0) return &std_msgs_msg_dds__String__desc;
  fprintf(stderr, "cyclone_peer: unknown type %s\n", type);
  exit(3);
}

/* ---- sample i of each type; the Java tests build the same values ---- */

static void fill_twist(geometry_msgs_msg_dds__Twist_ *t, int i)
{
  t->linear.x = i + 0.5;
  t->linear.y = -i;
  t->linear.z = i * 1e-3;
  t->angular.x = 0.25 * i;
  t->angular.y = (i % 2 == 0) ? (double) NAN : -1e300;
  t->angular.z = 7.0;
}

static float ranges_buffer[360];
static float intensities_buffer[3];
static char frame_buffer[32];
static char text_buffer[64];

static void fill_scan(sensor_msgs_msg_dds__LaserScan_ *s, int i)
{
  s->header.stamp.sec = 1700000000 + i;
  s->header.stamp.nanosec = 1000u * (uint32_t) i;
  snprintf(frame_buffer, sizeof frame_buffer, "laser_%d", i);
  s->header.frame_id = frame_buffer;
  s->angle_min = -3.14159f;
  s->angle_max = 3.14159f;
  s->angle_increment = 0.0174533f;
  s->time_increment = 1e-4f;
  s->scan_time = 0.1f;
  s->range_min = 0.12f;
  s->range_max = 12.0f;
  for (int k = 0; k < 360; k++)
    ranges_buffer[k] = (float) (k * 0.01 + i);
  ranges_buffer[7] = INFINITY;
  ranges_buffer[8] = NAN;
  s->ranges._maximum = s->ranges._length = 360;
  s->ranges._buffer = ranges_buffer;
  s->ranges._release = false;
  uint32_t n = (uint32_t) (i % 3);
  for (uint32_t k = 0; k < n; k++)
    intensities_buffer[k] = (float) k + 0.5f;
  s->intensities._maximum = s->intensities._length = n;
  s->intensities._buffer = n ? intensities_buffer : NULL;
  s->intensities._release = false;
}

static void fill_string(std_msgs_msg_dds__String_ *s, int i)
{
  snprintf(text_buffer, sizeof text_buffer, "hello %d \xc3\xbc" "n\xc3\xaf" "c\xc3\xb8" "d\xc3\xa9 \xe2\x9c\x93", i);
  s->data = text_buffer;
}

static void fill(const char *type, void *sample, int i)
{
  if (strcmp(type, "twist") == 0) fill_twist(sample, i);
  else if (strcmp(type, "scan") == 0) fill_scan(sample, i);
  else fill_string(sample, i);
}

/* ---- printing ---- */

static void print_hex(const unsigned char *p, size_t n)
{
  for (size_t k = 0; k < n; k++)
    printf("%02x", p[k]);
}

static void print_sample(const char *type, const void *sample)
{
  if (strcmp(type, "twist") == 0) {
    const geometry_msgs_msg_dds__Twist_ *t = sample;
    printf("SAMPLE twist %a %a %a %a %a %a\n", t->linear.x, t->linear.y, t->linear.z,
           t->angular.x, t->angular.y, t->angular.z);
  } else if (strcmp(type, "scan") == 0) {
    const sensor_msgs_msg_dds__LaserScan_ *s = sample;
    printf("SAMPLE scan %d %u %s %a %a %a %a %a %a %a %u", s->header.stamp.sec, s->header.stamp.nanosec,
           s->header.frame_id, s->angle_min, s->angle_max, s->angle_increment, s->time_increment,
           s->scan_time, s->range_min, s->range_max, s->ranges._length);
    for (uint32_t k = 0; k < s->ranges._length; k++)
      printf(" %a", s->ranges._buffer[k]);
    printf(" %u", s->intensities._length);
    for (uint32_t k = 0; k < s->intensities._length; k++)
      printf(" %a", s->intensities._buffer[k]);
    printf("\n");
  } else {
    const std_msgs_msg_dds__String_ *s = sample;
    printf("SAMPLE string ");
    print_hex((const unsigned char *) s->data, strlen(s->data));
    printf("\n");
  }
}

/* ---- entities ---- */

static dds_qos_t *qos(int depth)
{
  dds_qos_t *q = dds_create_qos();
  dds_qset_reliability(q, DDS_RELIABILITY_RELIABLE, DDS_MSECS(100));
  dds_qset_history(q, DDS_HISTORY_KEEP_LAST, depth);
  return q;
}

static int stdin_closed(void)
{
  struct pollfd p = { .fd = 0, .events = POLLIN };
  if (poll(&p, 1, 0) <= 0)
    return 0;
  if (p.revents & (POLLHUP | POLLERR))
    return 1;
  char c;
  return read(0, &c, 1) <= 0;
}

static int run_pub(dds_entity_t pp, const char *type, const char *topic, int count, int period_ms, int readers)
{
  const dds_topic_descriptor_t *desc = descriptor(type);
  dds_entity_t tp = dds_create_topic(pp, desc, topic, NULL, NULL);
  if (tp < 0) fail("dds_create_topic", tp);
  dds_qos_t *q = qos(count > 10 ? count : 10); /* keep every sample until the readers acknowledge it */
  dds_entity_t wr = dds_create_writer(pp, tp, q, NULL);
  dds_delete_qos(q);
  if (wr < 0) fail("dds_create_writer", wr);
  printf("READY\n");
  fflush(stdout);
  dds_publication_matched_status_t st;
  dds_time_t deadline = dds_time() + DDS_SECS(30);
  do {
    dds_get_publication_matched_status(wr, &st);
    if ((int) st.current_count >= readers) break;
    dds_sleepfor(DDS_MSECS(10));
  } while (dds_time() < deadline);
  if ((int) st.current_count < readers) {
    fprintf(stderr, "cyclone_peer: %d of %d subscriptions matched %s\n", (int) st.current_count, readers, topic);
    return 1;
  }
  /* Discovery is two-sided: give the readers time to match this writer too, or they drop the first samples. */
  dds_sleepfor(DDS_MSECS(200));
  printf("MATCHED\n");
  fflush(stdout);
  void *sample = dds_alloc(desc->m_size);
  for (int i = 0; i < count; i++) {
    memset(sample, 0, desc->m_size);
    fill(type, sample, i);
    dds_return_t rc = dds_write(wr, sample);
    if (rc < 0) fail("dds_write", rc);
    if (period_ms > 0)
      dds_sleepfor(DDS_MSECS(period_ms));
  }
  dds_free(sample); /* contents point to static buffers */
  dds_wait_for_acks(wr, DDS_SECS(10));
  printf("DONE\n");
  fflush(stdout);
  return 0;
}

static int run_sub(dds_entity_t pp, const char *type, const char *topic, int count, int timeout_s)
{
  const dds_topic_descriptor_t *desc = descriptor(type);
  dds_entity_t tp = dds_create_topic(pp, desc, topic, NULL, NULL);
  if (tp < 0) fail("dds_create_topic", tp);
  dds_qos_t *q = qos(count > 0 ? count : 1);
  dds_entity_t rd = dds_create_reader(pp, tp, q, NULL);
  dds_delete_qos(q);
  if (rd < 0) fail("dds_create_reader", rd);
  dds_entity_t ws = dds_create_waitset(pp);
  dds_entity_t rc_cond = dds_create_readcondition(rd, DDS_ANY_STATE);
  dds_waitset_attach(ws, rc_cond, 0);
  printf("READY\n");
  fflush(stdout);
  int got = 0;
  dds_time_t deadline = dds_time() + DDS_SECS(timeout_s);
  while (got < count && dds_time() < deadline) {
    dds_waitset_wait(ws, NULL, 0, DDS_MSECS(100));
    struct ddsi_serdata *d[1];
    dds_sample_info_t si[1];
    while (got < count && dds_takecdr(rd, d, 1, si, DDS_ANY_STATE) == 1) {
      if (si[0].valid_data) {
        size_t size = ddsi_serdata_size(d[0]);
        unsigned char *bytes = malloc(size);
        ddsi_serdata_to_ser(d[0], 0, size, bytes);
        printf("CDR ");
        print_hex(bytes, size);
        printf("\n");
        free(bytes);
        void *sample = dds_alloc(desc->m_size);
        memset(sample, 0, desc->m_size);
        if (!ddsi_serdata_to_sample(d[0], sample, NULL, NULL)) {
          fprintf(stderr, "cyclone_peer: sample does not deserialize\n");
          return 2;
        }
        print_sample(type, sample);
        dds_sample_free(sample, desc, DDS_FREE_ALL);
        got++;
      }
      ddsi_serdata_unref(d[0]);
    }
    fflush(stdout);
  }
  printf("DONE %d\n", got);
  fflush(stdout);
  return got == count ? 0 : 1;
}

static int run_pong(dds_entity_t pp, const char *type, const char *in, const char *out, int seconds)
{
  const dds_topic_descriptor_t *desc = descriptor(type);
  dds_entity_t tin = dds_create_topic(pp, desc, in, NULL, NULL);
  dds_entity_t tout = dds_create_topic(pp, desc, out, NULL, NULL);
  if (tin < 0) fail("dds_create_topic", tin);
  if (tout < 0) fail("dds_create_topic", tout);
  dds_qos_t *q = qos(1);
  dds_entity_t rd = dds_create_reader(pp, tin, q, NULL);
  dds_entity_t wr = dds_create_writer(pp, tout, q, NULL);
  dds_delete_qos(q);
  if (rd < 0) fail("dds_create_reader", rd);
  if (wr < 0) fail("dds_create_writer", wr);
  dds_entity_t ws = dds_create_waitset(pp);
  dds_entity_t rc_cond = dds_create_readcondition(rd, DDS_ANY_STATE);
  dds_waitset_attach(ws, rc_cond, 0);
  printf("READY\n");
  fflush(stdout);
  dds_time_t deadline = dds_time() + DDS_SECS(seconds);
  long echoed = 0;
  while (dds_time() < deadline) {
    if (dds_waitset_wait(ws, NULL, 0, DDS_MSECS(200)) == 0) {
      if (stdin_closed())
        break;
      continue;
    }
    void *samples[1] = { NULL };
    dds_sample_info_t si[1];
    int n;
    while ((n = dds_take(rd, samples, si, 1, 1)) > 0) {
      if (si[0].valid_data) {
        dds_write(wr, samples[0]);
        echoed++;
      }
      dds_return_loan(rd, samples, n);
    }
  }
  printf("DONE %ld\n", echoed);
  fflush(stdout);
  return 0;
}

/* the number a ping carries: Twist linear.x, LaserScan header.stamp.sec, String unused */
static void set_seq(const char *type, void *sample, int32_t seq)
{
  if (strcmp(type, "twist") == 0) ((geometry_msgs_msg_dds__Twist_ *) sample)->linear.x = seq;
  else if (strcmp(type, "scan") == 0) ((sensor_msgs_msg_dds__LaserScan_ *) sample)->header.stamp.sec = seq;
}

static int32_t get_seq(const char *type, const void *sample)
{
  if (strcmp(type, "twist") == 0) return (int32_t) ((const geometry_msgs_msg_dds__Twist_ *) sample)->linear.x;
  if (strcmp(type, "scan") == 0) return ((const sensor_msgs_msg_dds__LaserScan_ *) sample)->header.stamp.sec;
  return -1;
}

/* Measures like the Java driver: the clock is read just before dds_write and right after the
   matching pong has been taken on the waitset thread; one ping in flight at a time. */
static int run_ping(dds_entity_t pp, const char *type, const char *out, const char *in, int warmup, int count)
{
  const dds_topic_descriptor_t *desc = descriptor(type);
  dds_entity_t tout = dds_create_topic(pp, desc, out, NULL, NULL);
  dds_entity_t tin = dds_create_topic(pp, desc, in, NULL, NULL);
  if (tin < 0) fail("dds_create_topic", tin);
  if (tout < 0) fail("dds_create_topic", tout);
  dds_qos_t *q = qos(1);
  dds_entity_t wr = dds_create_writer(pp, tout, q, NULL);
  dds_entity_t rd = dds_create_reader(pp, tin, q, NULL);
  dds_delete_qos(q);
  if (rd < 0) fail("dds_create_reader", rd);
  if (wr < 0) fail("dds_create_writer", wr);
  dds_entity_t ws = dds_create_waitset(pp);
  dds_entity_t rc_cond = dds_create_readcondition(rd, DDS_ANY_STATE);
  dds_waitset_attach(ws, rc_cond, 0);
  dds_publication_matched_status_t pst;
  dds_subscription_matched_status_t sst;
  dds_time_t deadline = dds_time() + DDS_SECS(30);
  do {
    dds_get_publication_matched_status(wr, &pst);
    dds_get_subscription_matched_status(rd, &sst);
    if (pst.current_count > 0 && sst.current_count > 0) break;
    dds_sleepfor(DDS_MSECS(10));
  } while (dds_time() < deadline);
  if (pst.current_count == 0 || sst.current_count == 0) {
    fprintf(stderr, "cyclone_peer: no pong matched %s / %s\n", out, in);
    return 1;
  }
  dds_sleepfor(DDS_MSECS(200));
  printf("READY\n");
  fflush(stdout);
  void *sample = dds_alloc(desc->m_size);
  memset(sample, 0, desc->m_size);
  fill(type, sample, 1);
  int64_t *rtt = malloc(sizeof(int64_t) * (size_t) count);
  for (int i = 0; i < warmup + count; i++) {
    set_seq(type, sample, i);
    dds_time_t t0 = dds_time();
    dds_return_t rc = dds_write(wr, sample);
    if (rc < 0) fail("dds_write", rc);
    int matched = 0;
    while (!matched) {
      if (dds_waitset_wait(ws, NULL, 0, DDS_SECS(10)) == 0) {
        fprintf(stderr, "cyclone_peer: no pong for ping %d\n", i);
        return 1;
      }
      void *samples[1] = { NULL };
      dds_sample_info_t si[1];
      int n;
      while ((n = dds_take(rd, samples, si, 1, 1)) > 0) {
        if (si[0].valid_data && get_seq(type, samples[0]) == i)
          matched = 1;
        dds_return_loan(rd, samples, n);
      }
    }
    dds_time_t t1 = dds_time();
    if (i >= warmup)
      rtt[i - warmup] = t1 - t0;
  }
  for (int k = 0; k < count; k++) {
    if (k % 1000 == 0) printf(k == 0 ? "RTT" : "\nRTT");
    printf(" %" PRId64, rtt[k]);
  }
  printf("\nDONE %d\n", count);
  fflush(stdout);
  free(rtt);
  dds_free(sample);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc < 6) {
    fprintf(stderr, "usage: cyclone_peer DOMAIN pub|sub TYPE TOPIC COUNT [PERIOD_MS|TIMEOUT_S [MIN_READERS]]\n"
                    "       cyclone_peer DOMAIN pong TYPE IN_TOPIC OUT_TOPIC SECONDS\n"
                    "       cyclone_peer DOMAIN ping TYPE OUT_TOPIC IN_TOPIC WARMUP COUNT\n");
    return 3;
  }
  int domain = atoi(argv[1]);
  const char *mode = argv[2];
  dds_entity_t pp = dds_create_participant((dds_domainid_t) domain, NULL, NULL);
  if (pp < 0) fail("dds_create_participant", pp);
  int rc;
  if (strcmp(mode, "pub") == 0)
    rc = run_pub(pp, argv[3], argv[4], atoi(argv[5]), argc > 6 ? atoi(argv[6]) : 5, argc > 7 ? atoi(argv[7]) : 1);
  else if (strcmp(mode, "sub") == 0)
    rc = run_sub(pp, argv[3], argv[4], atoi(argv[5]), argc > 6 ? atoi(argv[6]) : 30);
  else if (strcmp(mode, "pong") == 0 && argc > 6)
    rc = run_pong(pp, argv[3], argv[4], argv[5], atoi(argv[6]));
  else if (strcmp(mode, "ping") == 0 && argc > 7)
    rc = run_ping(pp, argv[3], argv[4], argv[5], atoi(argv[6]), atoi(argv[7]));
  else {
    fprintf(stderr, "cyclone_peer: unknown mode %s\n", mode);
    rc = 3;
  }
  dds_delete(pp);
  return rc;
}
