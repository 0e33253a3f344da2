package dev.myelin.ros2.service;

import dev.myelin.ros2.msg.Message;

/**
 * Answers one request. Runs on the service's own worker thread, one request at a time; throwing
 * (or taking longer than the client waits) means the client gets no reply and times out.
 */
@FunctionalInterface
public interface ServiceHandler {
    /**
     * @param request  the request half, valid only during the call
     * @param response the response half, preset to defaults; fill it in
     */
    void handle(Message request, Message response) throws Exception;
}
