/*
 * Listens to /tf (reliable, volatile, keep-last 100) and /tf_static (reliable, transient-local,
 * keep-last 1) with a type idlc generated from the test's IDL of tf2_msgs/msg/TFMessage.
 * Usage: tf_peer DOMAIN COUNT TIMEOUT_S. Prints one line per transform,
 *   <TF|STATIC> <parent> <child> <sec> <nanosec> <x> <y> <z> <qx> <qy> <qz> <qw>
 * and DONE once COUNT /tf messages and one /tf_static message arrived.
 */
#include <stdio.h>
#include <stdlib.h>
#include "dds/dds.h"
#include "tf.h"

static int drain(dds_entity_t reader, const char *tag)
{
  void *samples[16] = { NULL };
  dds_sample_info_t infos[16];
  int got = 0;
  int n = dds_take(reader, samples, infos, 16, 16);
  for (int i = 0; i < n; i++) {
    if (!infos[i].valid_data)
      continue;
    const tf2_msgs_msg_dds__TFMessage_ *m = samples[i];
    for (uint32_t k = 0; k < m->transforms._length; k++) {
      const geometry_msgs_msg_dds__TransformStamped_ *t = &m->transforms._buffer[k];
      printf("%s %s %s %d %u %.17g %.17g %.17g %.17g %.17g %.17g %.17g\n", tag, t->header.frame_id, t->child_frame_id,
             t->header.stamp.sec, t->header.stamp.nanosec, t->transform.translation.x, t->transform.translation.y,
             t->transform.translation.z, t->transform.rotation.x, t->transform.rotation.y, t->transform.rotation.z,
             t->transform.rotation.w);
    }
    got++;
  }
  if (n > 0)
    dds_return_loan(reader, samples, n);
  fflush(stdout);
  return got;
}

int main(int argc, char **argv)
{
  if (argc != 4) {
    fprintf(stderr, "usage: tf_peer DOMAIN COUNT TIMEOUT_S\n");
    return 2;
  }
  int count = atoi(argv[2]);
  dds_time_t deadline = dds_time() + DDS_SECS(atoi(argv[3]));
  dds_entity_t pp = dds_create_participant((dds_domainid_t) atoi(argv[1]), NULL, NULL);
  if (pp < 0) {
    fprintf(stderr, "dds_create_participant: %s\n", dds_strretcode(pp));
    return 1;
  }
  dds_entity_t tf_topic = dds_create_topic(pp, &tf2_msgs_msg_dds__TFMessage__desc, "rt/tf", NULL, NULL);
  dds_entity_t static_topic = dds_create_topic(pp, &tf2_msgs_msg_dds__TFMessage__desc, "rt/tf_static", NULL, NULL);
  dds_qos_t *qos = dds_create_qos();
  dds_qset_reliability(qos, DDS_RELIABILITY_RELIABLE, DDS_SECS(1));
  dds_qset_history(qos, DDS_HISTORY_KEEP_LAST, 100);
  dds_entity_t tf = dds_create_reader(pp, tf_topic, qos, NULL);
  dds_qset_durability(qos, DDS_DURABILITY_TRANSIENT_LOCAL);
  dds_qset_history(qos, DDS_HISTORY_KEEP_LAST, 1);
  dds_entity_t fixed = dds_create_reader(pp, static_topic, qos, NULL);
  dds_delete_qos(qos);
  if (tf < 0 || fixed < 0) {
    fprintf(stderr, "creating readers failed\n");
    return 1;
  }
  printf("READY\n");
  fflush(stdout);
  int dynamic = 0, statics = 0;
  while ((dynamic < count || statics < 1) && dds_time() < deadline) {
    dynamic += drain(tf, "TF");
    statics += drain(fixed, "STATIC");
    dds_sleepfor(DDS_MSECS(5));
  }
  if (dynamic < count || statics < 1) {
    fprintf(stderr, "timed out with %d /tf and %d /tf_static messages\n", dynamic, statics);
    return 3;
  }
  printf("DONE\n");
  fflush(stdout);
  dds_delete(pp);
  return 0;
}
