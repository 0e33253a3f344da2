/** Loop latency histograms and counters, published as diagnostic_msgs/DiagnosticArray. */
package dev.myelin.controller.diagnostics;
