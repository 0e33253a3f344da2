/**
 * Classic CDR (XCDR1) as ROS 2 middlewares put it on the wire: flyweight reader and growable
 * writer over {@code java.lang.foreign} memory segments.
 */
package dev.myelin.ros2.cdr;
