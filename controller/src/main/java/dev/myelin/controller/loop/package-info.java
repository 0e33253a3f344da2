/** The fixed-rate, absolute-deadline control loop and its idle strategies. */
package dev.myelin.controller.loop;
