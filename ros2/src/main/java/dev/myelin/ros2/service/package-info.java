/**
 * ROS 2 services the way rmw_cyclonedds puts them on the wire: a request topic
 * {@code rq/<service>Request} and a reply topic {@code rr/<service>Reply} whose samples start with
 * the 16-byte request header (the client's request-writer instance handle and a sequence number),
 * endpoints marked {@code serviceid=} / {@code clientid=} in USER_DATA. Owns the
 * {@link dev.myelin.ros2.service.ServiceType} (two halves of a {@code .srv} definition), the
 * {@link dev.myelin.ros2.service.ServiceServer} that runs handlers on its own thread, and the
 * {@link dev.myelin.ros2.service.ServiceClient} with asynchronous calls, timeouts and replies
 * filtered to the client that asked.
 */
package dev.myelin.ros2.service;
