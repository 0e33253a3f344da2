/**
 * Bring-up aids: a hand-wired goal-seeking PopSAN and shipped parameter files, for running the
 * controller on a base (or the sim node) before a trained policy exists.
 */
package dev.myelin.controller.bringup;
