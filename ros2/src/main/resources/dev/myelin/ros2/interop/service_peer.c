/*
 * Independent Cyclone DDS service peer: plain C against the types idlc generates from
 * service_types.idl, speaking services the way rmw_cyclonedds does — request topic
 * rq/<service>Request, reply topic rr/<service>Reply, every sample starting with the request
 * header {uint64 client_guid = the client's request-writer instance handle, int64 sequence},
 * clientid=/serviceid= in USER_DATA, a client keeping only replies that carry its own guid.
 *
 *   service_peer DOMAIN get SERVICE NAME...          call GetParameters, print VALUE lines
 *   service_peer DOMAIN set SERVICE NAME KIND VALUE  call SetParameters (KIND int|double|bool|string)
 *   service_peer DOMAIN change SERVICE TRANSITION    call ChangeState with a transition id
 *   service_peer DOMAIN serve SERVICE SECONDS        answer GetParameters: "c:<name>" strings
 *   service_peer DOMAIN bench SERVICE WARMUP COUNT   GetParameters round trips, one in flight
 *
 * SERVICE is the fully qualified ROS name (/controller/get_parameters). Output lines: READY,
 * GUID <n>, VALUE <i> <type> <int> <double %a> <string>, RESULT <0|1> <reason>, SUCCESS <0|1>,
 * FOREIGN <replies seen for other clients>, RTT <ns>..., DONE.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dds/dds.h"
#include "service_types.h"

static int fail(const char *what, dds_return_t rc)
{
  fprintf(stderr, "service_peer: %s: %s\n", what, dds_strretcode(rc));
  exit(2);
}

static dds_entity_t check(dds_entity_t e, const char *what)
{
  if (e < 0)
    fail(what, e);
  return e;
}

static uint32_t id_counter;

/* rmw_cyclonedds's client/service id: participant GUID prefix + 32-bit big-endian counter. */
static void user_data(dds_entity_t pp, dds_qos_t *qos, const char *key)
{
  dds_guid_t g;
  check(dds_get_guid(pp, &g), "dds_get_guid");
  uint32_t x = ++id_counter;
  uint8_t id[16];
  memcpy(id, g.v, 12);
  for (int i = 0; i < 4; i++)
    id[12 + i] = (uint8_t) (x >> (24 - 8 * i));
  char text[128];
  int n = snprintf(text, sizeof text, "%s=%02x", key, id[0]);
  for (int i = 1; i < 16; i++)
    n += snprintf(text + n, sizeof text - (size_t) n, ".%x", id[i]);
  n += snprintf(text + n, sizeof text - (size_t) n, ";");
  dds_qset_userdata(qos, text, (size_t) n);
}

struct endpoint_pair {
  dds_entity_t writer, reader, waitset;
  dds_instance_handle_t guid;
};

static struct endpoint_pair open_pair(dds_entity_t pp, const char *service, const dds_topic_descriptor_t *out_desc,
                                      const dds_topic_descriptor_t *in_desc, int client)
{
  char out_name[256], in_name[256];
  snprintf(out_name, sizeof out_name, client ? "rq%sRequest" : "rr%sReply", service);
  snprintf(in_name, sizeof in_name, client ? "rr%sReply" : "rq%sRequest", service);
  dds_entity_t out_topic = check(dds_create_topic(pp, out_desc, out_name, NULL, NULL), "dds_create_topic out");
  dds_entity_t in_topic = check(dds_create_topic(pp, in_desc, in_name, NULL, NULL), "dds_create_topic in");
  dds_qos_t *qos = dds_create_qos();
  dds_qset_reliability(qos, DDS_RELIABILITY_RELIABLE, DDS_MSECS(100));
  dds_qset_durability(qos, DDS_DURABILITY_VOLATILE);
  dds_qset_history(qos, DDS_HISTORY_KEEP_LAST, 1000);
  user_data(pp, qos, client ? "clientid" : "serviceid");
  struct endpoint_pair p;
  p.writer = check(dds_create_writer(pp, out_topic, qos, NULL), "dds_create_writer");
  p.reader = check(dds_create_reader(pp, in_topic, qos, NULL), "dds_create_reader");
  dds_delete_qos(qos);
  check(dds_get_instance_handle(p.writer, &p.guid), "dds_get_instance_handle");
  p.waitset = check(dds_create_waitset(pp), "dds_create_waitset");
  dds_entity_t rc = check(dds_create_readcondition(p.reader, DDS_ANY_STATE), "dds_create_readcondition");
  check(dds_waitset_attach(p.waitset, rc, 0), "dds_waitset_attach");
  return p;
}

static void await_match(const struct endpoint_pair *p)
{
  dds_time_t deadline = dds_time() + DDS_SECS(30);
  for (;;) {
    dds_publication_matched_status_t pm;
    dds_subscription_matched_status_t sm;
    dds_get_publication_matched_status(p->writer, &pm);
    dds_get_subscription_matched_status(p->reader, &sm);
    if (pm.current_count > 0 && sm.current_count > 0)
      return;
    if (dds_time() > deadline) {
      fprintf(stderr, "service_peer: service never matched\n");
      exit(4);
    }
    dds_sleepfor(DDS_MSECS(5));
  }
}

static int64_t next_seq;
static long foreign;

/*
 * Writes a request and takes replies until the one carrying this client's guid and seq arrives. A request
 * written while the service has not yet discovered this client's writer can be dropped by the service's
 * volatile reader, as with any DDS service client; with no reply after 2 s (a service answers within about
 * 1 s once it holds the request) the request is written again under a new sequence number, at most 4 times,
 * each noted on stderr.
 */
static void *call(const struct endpoint_pair *p, void *request, int64_t *seq_field_and_guid_base)
{
  uint64_t *guid = (uint64_t *) seq_field_and_guid_base;
  int64_t *seq = seq_field_and_guid_base + 1;
  *guid = p->guid;
  for (int attempt = 0; attempt < 5; attempt++) {
    *seq = ++next_seq;
    if (attempt > 0)
      fprintf(stderr, "service_peer: no reply in 2 s, request written again as %" PRId64 "\n", *seq);
    check(dds_write(p->writer, request), "dds_write");
    dds_time_t deadline = dds_time() + DDS_SECS(2);
    while (dds_time() < deadline) {
      dds_waitset_wait(p->waitset, NULL, 0, DDS_MSECS(100));
      void *samples[1] = {NULL};
      dds_sample_info_t info;
      while (dds_take(p->reader, samples, &info, 1, 1) == 1) {
        const uint64_t *rguid = samples[0];
        const int64_t *rseq = (const int64_t *) samples[0] + 1;
        if (info.valid_data && *rguid == p->guid && *rseq == *seq)
          return samples[0]; /* caller returns the loan */
        if (info.valid_data && *rguid != p->guid)
          foreign++;
        dds_return_loan(p->reader, samples, 1);
        samples[0] = NULL;
      }
    }
  }
  fprintf(stderr, "service_peer: no reply to request %" PRId64 " after 5 writes (replies to other clients seen: %ld)\n",
          *seq, foreign);
  exit(5);
}

static void print_value(int i, const rcl_interfaces_msg_dds__ParameterValue_ *v)
{
  printf("VALUE %d %u %lld %a %s\n", i, (unsigned) v->kind, (long long) v->integer_value, v->double_value,
         v->string_value ? v->string_value : "");
}

static int run_get(dds_entity_t pp, const char *service, int nnames, char **names)
{
  struct endpoint_pair p = open_pair(pp, service, &rcl_interfaces_srv_dds__GetParameters_Request__desc,
                                     &rcl_interfaces_srv_dds__GetParameters_Response__desc, 1);
  await_match(&p);
  printf("READY\nGUID %" PRIu64 "\n", p.guid);
  fflush(stdout);
  rcl_interfaces_srv_dds__GetParameters_Request_ req;
  memset(&req, 0, sizeof req);
  req.names._length = req.names._maximum = (uint32_t) nnames;
  req.names._buffer = names;
  rcl_interfaces_srv_dds__GetParameters_Response_ *res =
      call(&p, &req, (int64_t *) &req.client_guid);
  for (uint32_t i = 0; i < res->values._length; i++)
    print_value((int) i, &res->values._buffer[i]);
  void *loan[1] = {res};
  dds_return_loan(p.reader, loan, 1);
  printf("FOREIGN %ld\nDONE\n", foreign);
  return 0;
}

static int run_set(dds_entity_t pp, const char *service, char *name, const char *kind, char *value)
{
  struct endpoint_pair p = open_pair(pp, service, &rcl_interfaces_srv_dds__SetParameters_Request__desc,
                                     &rcl_interfaces_srv_dds__SetParameters_Response__desc, 1);
  await_match(&p);
  printf("READY\n");
  fflush(stdout);
  rcl_interfaces_msg_dds__Parameter_ param;
  memset(&param, 0, sizeof param);
  param.name = name;
  param.value.string_value = "";
  if (strcmp(kind, "bool") == 0) {
    param.value.kind = 1;
    param.value.bool_value = strcmp(value, "true") == 0;
  } else if (strcmp(kind, "int") == 0) {
    param.value.kind = 2;
    param.value.integer_value = strtoll(value, NULL, 10);
  } else if (strcmp(kind, "double") == 0) {
    param.value.kind = 3;
    param.value.double_value = strtod(value, NULL);
  } else {
    param.value.kind = 4;
    param.value.string_value = value;
  }
  rcl_interfaces_srv_dds__SetParameters_Request_ req;
  memset(&req, 0, sizeof req);
  req.parameters._length = req.parameters._maximum = 1;
  req.parameters._buffer = &param;
  rcl_interfaces_srv_dds__SetParameters_Response_ *res = call(&p, &req, (int64_t *) &req.client_guid);
  for (uint32_t i = 0; i < res->results._length; i++)
    printf("RESULT %d %s\n", res->results._buffer[i].successful ? 1 : 0,
           res->results._buffer[i].reason ? res->results._buffer[i].reason : "");
  void *loan[1] = {res};
  dds_return_loan(p.reader, loan, 1);
  printf("DONE\n");
  return 0;
}

static int run_change(dds_entity_t pp, const char *service, int transition)
{
  struct endpoint_pair p = open_pair(pp, service, &lifecycle_msgs_srv_dds__ChangeState_Request__desc,
                                     &lifecycle_msgs_srv_dds__ChangeState_Response__desc, 1);
  await_match(&p);
  printf("READY\n");
  fflush(stdout);
  lifecycle_msgs_srv_dds__ChangeState_Request_ req;
  memset(&req, 0, sizeof req);
  req.transition.id = (uint8_t) transition;
  req.transition.label = "";
  lifecycle_msgs_srv_dds__ChangeState_Response_ *res = call(&p, &req, (int64_t *) &req.client_guid);
  printf("SUCCESS %d\n", res->success ? 1 : 0);
  void *loan[1] = {res};
  dds_return_loan(p.reader, loan, 1);
  printf("DONE\n");
  return 0;
}

static int run_serve(dds_entity_t pp, const char *service, int seconds)
{
  struct endpoint_pair p = open_pair(pp, service, &rcl_interfaces_srv_dds__GetParameters_Response__desc,
                                     &rcl_interfaces_srv_dds__GetParameters_Request__desc, 0);
  printf("READY\n");
  fflush(stdout);
  static rcl_interfaces_msg_dds__ParameterValue_ values[64];
  static char texts[64][300];
  long served = 0;
  dds_time_t deadline = dds_time() + DDS_SECS(seconds);
  while (dds_time() < deadline) {
    dds_waitset_wait(p.waitset, NULL, 0, DDS_MSECS(100));
    void *samples[1] = {NULL};
    dds_sample_info_t info;
    while (dds_take(p.reader, samples, &info, 1, 1) == 1) {
      if (info.valid_data) {
        const rcl_interfaces_srv_dds__GetParameters_Request_ *req = samples[0];
        rcl_interfaces_srv_dds__GetParameters_Response_ res;
        memset(&res, 0, sizeof res);
        res.client_guid = req->client_guid;
        res.sequence_number = req->sequence_number;
        uint32_t n = req->names._length < 64 ? req->names._length : 64;
        for (uint32_t i = 0; i < n; i++) {
          memset(&values[i], 0, sizeof values[i]);
          values[i].kind = 4;
          snprintf(texts[i], sizeof texts[i], "c:%s", req->names._buffer[i]);
          values[i].string_value = texts[i];
        }
        res.values._length = res.values._maximum = n;
        res.values._buffer = values;
        check(dds_write(p.writer, &res), "dds_write reply");
        served++;
      }
      dds_return_loan(p.reader, samples, 1);
      samples[0] = NULL;
    }
  }
  printf("SERVED %ld\nDONE\n", served);
  return 0;
}

/* The clock is read before dds_write and after the reply has been taken; one call in flight. */
static int run_bench(dds_entity_t pp, const char *service, int warmup, int count)
{
  struct endpoint_pair p = open_pair(pp, service, &rcl_interfaces_srv_dds__GetParameters_Request__desc,
                                     &rcl_interfaces_srv_dds__GetParameters_Response__desc, 1);
  await_match(&p);
  printf("READY\n");
  fflush(stdout);
  char *names[1] = {"rate_hz"};
  rcl_interfaces_srv_dds__GetParameters_Request_ req;
  memset(&req, 0, sizeof req);
  req.names._length = req.names._maximum = 1;
  req.names._buffer = names;
  int64_t *rtt = calloc((size_t) count, sizeof *rtt);
  for (int i = 0; i < warmup + count; i++) {
    dds_time_t t0 = dds_time();
    void *res = call(&p, &req, (int64_t *) &req.client_guid);
    dds_time_t t1 = dds_time();
    void *loan[1] = {res};
    dds_return_loan(p.reader, loan, 1);
    if (i >= warmup)
      rtt[i - warmup] = t1 - t0;
  }
  for (int k = 0; k < count; k++) {
    if (k % 1000 == 0)
      printf(k == 0 ? "RTT" : "\nRTT");
    printf(" %" PRId64, rtt[k]);
  }
  printf("\nDONE\n");
  free(rtt);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc < 4) {
    fprintf(stderr, "usage: service_peer DOMAIN get|set|change|serve|bench SERVICE ...\n");
    return 1;
  }
  setvbuf(stdout, NULL, _IOLBF, 0);
  dds_entity_t pp = check(dds_create_participant((dds_domainid_t) atoi(argv[1]), NULL, NULL), "dds_create_participant");
  const char *mode = argv[2];
  const char *service = argv[3];
  int rc = 1;
  if (strcmp(mode, "get") == 0 && argc > 4)
    rc = run_get(pp, service, argc - 4, argv + 4);
  else if (strcmp(mode, "set") == 0 && argc > 6)
    rc = run_set(pp, service, argv[4], argv[5], argv[6]);
  else if (strcmp(mode, "change") == 0 && argc > 4)
    rc = run_change(pp, service, atoi(argv[4]));
  else if (strcmp(mode, "serve") == 0 && argc > 4)
    rc = run_serve(pp, service, atoi(argv[4]));
  else if (strcmp(mode, "bench") == 0 && argc > 5)
    rc = run_bench(pp, service, atoi(argv[4]), atoi(argv[5]));
  else
    fprintf(stderr, "service_peer: bad arguments for %s\n", mode);
  dds_delete(pp);
  return rc;
}
