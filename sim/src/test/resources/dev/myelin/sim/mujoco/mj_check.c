/*
 * Independent C reference for the Java binding tests: loads MODEL.xml, prints every count and the
 * first and last element of every mjModel array as raw bits, steps NSTEPS times from mj_resetData
 * with the controls ctrl[i] = ((7 s + 3 i) mod 11 - 5) / 5 (exact in binary), calls
 * mj_rnePostConstraint, then prints the first and last element of every mjData array and the full
 * qpos and qvel as raw bits.
 *
 *   usage: mj_check MODEL.xml NSTEPS
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mujoco/mujoco.h>
#include <mujoco/mjxmacro.h>

static unsigned long long bits(const void* p, size_t size) {
  unsigned long long v = 0;
  memcpy(&v, p, size);
  return v;
}

static void print_array(const char* kind, const char* name, const void* base, size_t size, long n) {
  if (n <= 0 || size > 8) {
    return;
  }
  const char* bytes = (const char*) base;
  printf("%s %s %ld %llx %llx\n", kind, name, n, bits(bytes, size), bits(bytes + (n - 1) * size, size));
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: mj_check MODEL.xml NSTEPS\n");
    return 1;
  }
  char error[1000] = "";
  mjModel* m = mj_loadXML(argv[1], NULL, error, sizeof(error));
  if (!m) {
    printf("error %s\n", error);
    return 2;
  }
  int steps = atoi(argv[2]);
  mjData* d = mj_makeData(m);

#define X(name) printf("int %s %d\n", #name, m->name);
  MJMODEL_INTS
#undef X
  printf("timestep %llx\n", bits(&m->opt.timestep, sizeof(mjtNum)));
  {
    MJMODEL_POINTERS_PREAMBLE(m)
#define X(type, name, nr, nc) print_array("model", #name, m->name, sizeof(type), (long) (m->nr) * (nc));
    MJMODEL_POINTERS
#undef X
  }

  mj_resetData(m, d);
  for (int s = 0; s < steps; s++) {
    for (int i = 0; i < m->nu; i++) {
      d->ctrl[i] = (double) (((7 * s + 3 * i) % 11) - 5) / 5.0;
    }
    mj_step(m, d);
  }
  mj_rnePostConstraint(m, d);

  {
    int nq = m->nq, na = m->na, nu = m->nu, nbody = m->nbody, njnt = m->njnt, ngeom = m->ngeom;
    int nsite = m->nsite, ncam = m->ncam, nlight = m->nlight, ntendon = m->ntendon, nwrap = m->nwrap;
    int nmocap = m->nmocap, nuserdata = m->nuserdata, nsensordata = m->nsensordata, nM = m->nM;
    int nD = m->nD, nconmax = m->nconmax;
    MJDATA_POINTERS_PREAMBLE(m)
#define X(type, name, nr, nc) print_array("data", #name, d->name, sizeof(type), (long) (nr) * (nc));
    MJDATA_POINTERS
#undef X
  }
  printf("time %llx\n", bits(&d->time, sizeof(mjtNum)));
  printf("ncon %d\n", d->ncon);
  for (int i = 0; i < d->ncon; i++) {
    printf("contact %d %d %d\n", i, d->contact[i].geom1, d->contact[i].geom2);
  }
  for (int i = 0; i < m->nq; i++) {
    printf("qpos %d %llx\n", i, bits(d->qpos + i, sizeof(mjtNum)));
  }
  for (int i = 0; i < m->nv; i++) {
    printf("qvel %d %llx\n", i, bits(d->qvel + i, sizeof(mjtNum)));
  }
  mj_deleteData(d);
  mj_deleteModel(m);
  return 0;
}
