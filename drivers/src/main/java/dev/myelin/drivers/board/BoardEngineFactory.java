package dev.myelin.drivers.board;

import dev.myelin.policy.engine.InferenceEngine;
import dev.myelin.policy.engine.InferenceEngines;
import dev.myelin.policy.model.Policy;

/** Registers {@code board:tcp://host:port} and {@code board:serial:/dev/...} with {@link InferenceEngines}. */
public final class BoardEngineFactory implements InferenceEngines.EngineFactory {
    @Override
    public String name() {
        return "board";
    }

    @Override
    public InferenceEngine create(Policy policy, String options) {
        return new BoardEngine(policy, BoardEngineOptions.parse(options));
    }
}
