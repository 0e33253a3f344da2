/*
 * Prints the memory layout of mjModel and mjData as compiled against the installed MuJoCo headers,
 * one record per line, for the Java binding (dev.myelin.sim.mujoco.MjLayout). Every field comes
 * from the X-macros of mjxmacro.h, so nothing about the layout is written down by hand.
 *
 *   header VERSION
 *   sizeof mjModel|mjData BYTES
 *   model.int NAME OFFSET                    (int counts such as nq, nbody)
 *   model.ptr NAME OFFSET ELEMBYTES TYPE ROWS COLS (arrays; ROWS/COLS: numbers, model.int names or products)
 *   model.opt NAME OFFSET                    (mjOption scalars inside mjModel.opt)
 *   data.ptr NAME OFFSET ELEMBYTES TYPE ROWS COLS
 *   data.scalar NAME OFFSET ELEMBYTES
 *   enum NAME VALUE                          (object, joint and sensor type constants)
 *   struct NAME BYTES                        (element structs of mjData arrays)
 *   field STRUCT.NAME OFFSET
 */
#include <stddef.h>
#include <stdio.h>
#include <mujoco/mujoco.h>
#include <mujoco/mjxmacro.h>

/* print the size expressions as written, without expanding MJ_M(n) to n first */
#undef MJ_M
#define MJ_M(n) n
#define STR_(x) #x
#define STR(x) STR_(x)

int main(void) {
  printf("header %d\n", mjVERSION_HEADER);
  printf("sizeof mjModel %zu\n", sizeof(mjModel));
  printf("sizeof mjData %zu\n", sizeof(mjData));
#define X(name) printf("model.int %s %zu\n", #name, offsetof(mjModel, name));
  MJMODEL_INTS
#undef X
#define X(type, name, nr, nc) \
  printf("model.ptr %s %zu %zu %s %s %s\n", #name, offsetof(mjModel, name), sizeof(type), #type, STR(nr), STR(nc));
  MJMODEL_POINTERS
#undef X
#define X(type, name) \
  printf("model.opt %s %zu\n", #name, offsetof(mjModel, opt) + offsetof(mjOption, name));
  MJOPTION_FLOATS
#undef X
#define X(type, name, nr, nc) \
  printf("data.ptr %s %zu %zu %s %s %s\n", #name, offsetof(mjData, name), sizeof(type), #type, STR(nr), STR(nc));
  MJDATA_POINTERS
#undef X
#define X(type, name) printf("data.scalar %s %zu %zu\n", #name, offsetof(mjData, name), sizeof(type));
  MJDATA_SCALAR
#undef X
#define E(name) printf("enum %s %d\n", #name, (int) name);
  E(mjOBJ_BODY) E(mjOBJ_JOINT) E(mjOBJ_GEOM) E(mjOBJ_SITE) E(mjOBJ_ACTUATOR) E(mjOBJ_SENSOR)
  E(mjJNT_FREE) E(mjJNT_BALL) E(mjJNT_SLIDE) E(mjJNT_HINGE)
  E(mjSENS_TOUCH) E(mjSENS_ACCELEROMETER) E(mjSENS_VELOCIMETER) E(mjSENS_GYRO) E(mjSENS_FORCE)
  E(mjSENS_TORQUE) E(mjSENS_MAGNETOMETER) E(mjSENS_RANGEFINDER) E(mjSENS_JOINTPOS) E(mjSENS_JOINTVEL)
  E(mjSENS_TENDONPOS) E(mjSENS_TENDONVEL) E(mjSENS_ACTUATORPOS) E(mjSENS_ACTUATORVEL) E(mjSENS_ACTUATORFRC)
  E(mjSENS_BALLQUAT) E(mjSENS_BALLANGVEL) E(mjSENS_FRAMEPOS) E(mjSENS_FRAMEQUAT) E(mjSENS_FRAMELINVEL)
  E(mjSENS_FRAMEANGVEL) E(mjSENS_FRAMELINACC) E(mjSENS_FRAMEANGACC) E(mjSENS_SUBTREECOM)
  E(mjSENS_SUBTREELINVEL) E(mjSENS_SUBTREEANGMOM)
#undef E
  printf("struct mjContact %zu\n", sizeof(mjContact));
  printf("field mjContact.dist %zu\n", offsetof(mjContact, dist));
  printf("field mjContact.geom1 %zu\n", offsetof(mjContact, geom1));
  printf("field mjContact.geom2 %zu\n", offsetof(mjContact, geom2));
  printf("field mjContact.exclude %zu\n", offsetof(mjContact, exclude));
  return 0;
}
