/**
 * On-robot fixed-rate control loop: observation/action mapping, safety gate, hot-swap, diagnostics, inference backends.
 */
package dev.myelin.controller;
