/** Preparing (verify, build, warm up) and hot-swapping policies, with health counters for OTA commit/rollback. */
package dev.myelin.controller.hosting;
