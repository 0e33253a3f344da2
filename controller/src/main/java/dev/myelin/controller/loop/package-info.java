/**
 * The fixed-rate, absolute-deadline control loop, its idle strategies and its metrics (latency
 * histograms and tick, decision and deadline-miss counters, recorded wait-free on the loop thread).
 */
package dev.myelin.controller.loop;
