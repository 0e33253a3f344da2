package dev.myelin.controller.config;

/**
 * Where one action channel goes: a numeric field of a message on an output topic, with its limits
 * (clamped), its rate limit ({@code units per second}, 0 = none) and the safe value written whenever
 * the safety gate holds the outputs.
 */
public record ActionOutput(String channel, String topic, String type, String qos, String field, String unit,
                           double min, double max, double rateLimit, double safe) {
}
