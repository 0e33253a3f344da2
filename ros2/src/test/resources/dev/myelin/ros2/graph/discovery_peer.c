/*
 * Reads ros_discovery_info the way rmw does (reliable, transient-local, keep-all) with a type
 * idlc generated from the test's IDL, and DDS's built-in participant, publication and
 * subscription topics. Usage: discovery_peer DOMAIN MIN_NODES TIMEOUT_S
 * Waits until one participant announces at least MIN_NODES nodes, listens one more second, then
 * prints:
 *   INFO <participant gid> <node count>
 *   NODE <namespace> <name> R <gid>,... W <gid>,...      (one per node of the preceding INFO)
 *   PARTICIPANT <guid> <user data>
 *   EP <W|R> <topic> <type> <participant guid> <guid> <user data>
 *   DONE
 * GUIDs as 32 hex digits, GIDs as all their bytes (16 or 24, as the IDL says) in hex.
 *
 * discovery_peer DOMAIN announce SECONDS instead acts as a non-Myelin ROS participant: node
 * "/dp/c_node" with a writer on rt/dp/chatter (std_msgs String) and a reader on rt/dp/cmd, announced
 * on ros_discovery_info as rmw does; prints "ANNOUNCED <participant guid>" and stays until its
 * standard input closes (then deletes its participant, which DDS announces) or SECONDS pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>
#include "dds/dds.h"
#include "discovery.h"

#define MAX_SAMPLES 32

#define GID_BYTES (sizeof(((rmw_dds_common_msg_dds__Gid_ *) 0)->data))

static void hexn(const unsigned char *b, size_t n, char *out)
{
  for (size_t i = 0; i < n; i++)
    sprintf(out + 2 * i, "%02x", b[i]);
}

static void hex16(const unsigned char *b, char *out)
{
  hexn(b, 16, out);
}

static void print_gids(const char *tag, const dds_sequence_rmw_dds_common_msg_dds__Gid_ *seq)
{
  char h[2 * GID_BYTES + 1];
  printf(" %s ", tag);
  if (seq->_length == 0)
    printf("-");
  for (uint32_t i = 0; i < seq->_length; i++) {
    hexn(seq->_buffer[i].data, GID_BYTES, h);
    printf("%s%s", i ? "," : "", h);
  }
}

static void print_user_data(const dds_qos_t *qos)
{
  void *ud = NULL;
  size_t sz = 0;
  if (qos && dds_qget_userdata(qos, &ud, &sz) && ud) {
    printf("%.*s", (int) sz, (const char *) ud);
    dds_free(ud);
  } else {
    printf("-");
  }
}

static void dump_endpoints(dds_entity_t reader, const char *kind)
{
  void *samples[256] = { NULL };
  dds_sample_info_t infos[256];
  int n = dds_read(reader, samples, infos, 256, 256);
  char p[33], g[33];
  for (int i = 0; i < n; i++) {
    if (!infos[i].valid_data || infos[i].instance_state != DDS_IST_ALIVE)
      continue;
    const dds_builtintopic_endpoint_t *ep = samples[i];
    hex16(ep->participant_key.v, p);
    hex16(ep->key.v, g);
    printf("EP %s %s %s %s %s ", kind, ep->topic_name, ep->type_name, p, g);
    print_user_data(ep->qos);
    printf("\n");
  }
  if (n > 0)
    dds_return_loan(reader, samples, n);
}

static void set_gid(rmw_dds_common_msg_dds__Gid_ *gid, dds_entity_t entity)
{
  dds_guid_t guid;
  memset(gid->data, 0, sizeof(gid->data));
  if (dds_get_guid(entity, &guid) == DDS_RETCODE_OK)
    memcpy(gid->data, guid.v, 16);
}

static int announce(dds_entity_t pp, dds_entity_t info_topic, int seconds)
{
  dds_entity_t chatter = dds_create_topic(pp, &std_msgs_msg_dds__String__desc, "rt/dp/chatter", NULL, NULL);
  dds_entity_t cmd = dds_create_topic(pp, &std_msgs_msg_dds__String__desc, "rt/dp/cmd", NULL, NULL);
  dds_entity_t writer = dds_create_writer(pp, chatter, NULL, NULL);
  dds_entity_t reader = dds_create_reader(pp, cmd, NULL, NULL);
  dds_qos_t *qos = dds_create_qos();
  dds_qset_reliability(qos, DDS_RELIABILITY_RELIABLE, DDS_SECS(1));
  dds_qset_durability(qos, DDS_DURABILITY_TRANSIENT_LOCAL);
  dds_qset_history(qos, DDS_HISTORY_KEEP_LAST, 1);
  dds_entity_t info_writer = dds_create_writer(pp, info_topic, qos, NULL);
  dds_delete_qos(qos);
  if (writer < 0 || reader < 0 || info_writer < 0) {
    fprintf(stderr, "creating the announced endpoints failed\n");
    return 1;
  }
  rmw_dds_common_msg_dds__Gid_ readers[1], writers[1];
  set_gid(&readers[0], reader);
  set_gid(&writers[0], writer);
  rmw_dds_common_msg_dds__NodeEntitiesInfo_ node;
  memset(&node, 0, sizeof(node));
  strcpy(node.node_namespace, "/dp");
  strcpy(node.node_name, "c_node");
  node.reader_gid_seq._length = node.reader_gid_seq._maximum = 1;
  node.reader_gid_seq._buffer = readers;
  node.writer_gid_seq._length = node.writer_gid_seq._maximum = 1;
  node.writer_gid_seq._buffer = writers;
  rmw_dds_common_msg_dds__ParticipantEntitiesInfo_ info;
  memset(&info, 0, sizeof(info));
  set_gid(&info.gid, pp);
  info.node_entities_info_seq._length = info.node_entities_info_seq._maximum = 1;
  info.node_entities_info_seq._buffer = &node;
  dds_return_t rc = dds_write(info_writer, &info);
  if (rc < 0) {
    fprintf(stderr, "dds_write: %s\n", dds_strretcode(rc));
    return 1;
  }
  char g[33];
  hex16(info.gid.data, g);
  printf("ANNOUNCED %s\n", g);
  fflush(stdout);
  dds_time_t until = dds_time() + DDS_SECS(seconds);
  while (dds_time() < until) {
    fd_set in;
    struct timeval tick = { 0, 100000 };
    FD_ZERO(&in);
    FD_SET(0, &in);
    if (select(1, &in, NULL, NULL, &tick) > 0) {
      char buf[64];
      if (read(0, buf, sizeof(buf)) <= 0)
        break; /* stdin closed: leave */
    }
  }
  dds_delete(pp);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc != 4) {
    fprintf(stderr, "usage: discovery_peer DOMAIN MIN_NODES TIMEOUT_S\n");
    return 2;
  }
  dds_domainid_t domain = (dds_domainid_t) atoi(argv[1]);
  uint32_t min_nodes = (uint32_t) atoi(argv[2]); /* 0 when argv[2] is "announce" */
  dds_time_t deadline = dds_time() + DDS_SECS(atoi(argv[3]));

  dds_entity_t pp = dds_create_participant(domain, NULL, NULL);
  if (pp < 0) {
    fprintf(stderr, "dds_create_participant: %s\n", dds_strretcode(pp));
    return 1;
  }
  dds_entity_t topic = dds_create_topic(pp, &rmw_dds_common_msg_dds__ParticipantEntitiesInfo__desc,
                                        "ros_discovery_info", NULL, NULL);
  if (strcmp(argv[2], "announce") == 0)
    return announce(pp, topic, atoi(argv[3]));
  dds_qos_t *qos = dds_create_qos();
  dds_qset_reliability(qos, DDS_RELIABILITY_RELIABLE, DDS_SECS(1));
  dds_qset_durability(qos, DDS_DURABILITY_TRANSIENT_LOCAL);
  dds_qset_history(qos, DDS_HISTORY_KEEP_ALL, 0);
  dds_entity_t reader = dds_create_reader(pp, topic, qos, NULL);
  dds_delete_qos(qos);
  dds_entity_t participants = dds_create_reader(pp, DDS_BUILTIN_TOPIC_DCPSPARTICIPANT, NULL, NULL);
  dds_entity_t publications = dds_create_reader(pp, DDS_BUILTIN_TOPIC_DCPSPUBLICATION, NULL, NULL);
  dds_entity_t subscriptions = dds_create_reader(pp, DDS_BUILTIN_TOPIC_DCPSSUBSCRIPTION, NULL, NULL);
  if (reader < 0 || participants < 0 || publications < 0 || subscriptions < 0) {
    fprintf(stderr, "creating readers failed\n");
    return 1;
  }
  printf("READY\n");
  fflush(stdout);

  dds_time_t enough_at = 0;
  while (dds_time() < deadline && (enough_at == 0 || dds_time() < enough_at)) {
    void *samples[MAX_SAMPLES] = { NULL };
    dds_sample_info_t infos[MAX_SAMPLES];
    int n = dds_take(reader, samples, infos, MAX_SAMPLES, MAX_SAMPLES);
    for (int i = 0; i < n; i++) {
      if (!infos[i].valid_data)
        continue;
      const rmw_dds_common_msg_dds__ParticipantEntitiesInfo_ *m = samples[i];
      char h[2 * GID_BYTES + 1];
      hexn(m->gid.data, GID_BYTES, h);
      printf("INFO %s %u\n", h, m->node_entities_info_seq._length);
      for (uint32_t k = 0; k < m->node_entities_info_seq._length; k++) {
        const rmw_dds_common_msg_dds__NodeEntitiesInfo_ *node = &m->node_entities_info_seq._buffer[k];
        printf("NODE %s %s", node->node_namespace, node->node_name);
        print_gids("R", &node->reader_gid_seq);
        print_gids("W", &node->writer_gid_seq);
        printf("\n");
      }
      if (enough_at == 0 && m->node_entities_info_seq._length >= min_nodes)
        enough_at = dds_time() + DDS_SECS(1);
    }
    if (n > 0)
      dds_return_loan(reader, samples, n);
    fflush(stdout);
    dds_sleepfor(DDS_MSECS(10));
  }
  if (enough_at == 0) {
    fprintf(stderr, "no participant announced %u nodes in time\n", min_nodes);
    return 3;
  }

  void *samples[64] = { NULL };
  dds_sample_info_t infos[64];
  int n = dds_read(participants, samples, infos, 64, 64);
  char g[33];
  for (int i = 0; i < n; i++) {
    if (!infos[i].valid_data || infos[i].instance_state != DDS_IST_ALIVE)
      continue;
    const dds_builtintopic_participant_t *p = samples[i];
    hex16(p->key.v, g);
    printf("PARTICIPANT %s ", g);
    print_user_data(p->qos);
    printf("\n");
  }
  if (n > 0)
    dds_return_loan(participants, samples, n);
  dump_endpoints(publications, "W");
  dump_endpoints(subscriptions, "R");
  printf("DONE\n");
  fflush(stdout);
  dds_delete(pp);
  return 0;
}
