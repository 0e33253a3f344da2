/** ROS topics to the policy's observation vector, and the gated command to output topics. */
package dev.myelin.controller.mapping;
