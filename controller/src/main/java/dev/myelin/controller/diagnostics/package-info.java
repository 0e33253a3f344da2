/**
 * Publishes a controller status (from a supplier, normally {@code Controller.status()}) as
 * diagnostic_msgs/DiagnosticArray on its own thread.
 */
package dev.myelin.controller.diagnostics;
