package dev.myelin.controller;

import dev.myelin.bridge.experience.TransitionRecorder;
import dev.myelin.controller.hosting.PreparedPolicy;
import dev.myelin.controller.mapping.TopicInput;
import dev.myelin.ros2.Subscription;
import dev.myelin.ros2.msg.Field;

/**
 * Records the decisions the policy drives the robot with as sim-to-real experience: each decision
 * (observation, the command sent in the policy's action order, time, policy tag) waits one tick for
 * the reward that followed it, then goes to the recorder with whether its episode ended. Held ticks
 * are not recorded. Loop thread; allocation-free after construction.
 */
final class ExperienceTap {
    private final TransitionRecorder recorder;
    private final TopicInput reward;
    private final Field rewardData;
    private final float[] observation;
    private final float[] command;
    private final float[] pendingObservation;
    private final float[] pendingAction;
    private long pendingTime;
    private long pendingTag;
    private boolean pending;
    private boolean started;
    private long rewardsSeen;

    /**
     * Records from the controller's {@code observation} and {@code command} arrays (read after each
     * tick's write); {@code reward} is the reward input (null: none, rewards are NaN).
     */
    ExperienceTap(TransitionRecorder recorder, TopicInput reward, Field rewardData, float[] observation, float[] command) {
        this.recorder = recorder;
        this.reward = reward;
        this.rewardData = rewardData;
        this.observation = observation;
        this.command = command;
        this.pendingObservation = new float[observation.length];
        this.pendingAction = new float[command.length];
    }

    /**
     * Completes the previous tick's decision with the reward that followed it and whether its episode ended,
     * then holds this tick's decision ({@code decided}: the policy's command went out) until the next.
     * Returns 1 when a decision went to the recorder, -1 when it had no room for one, else 0.
     * Loop thread; allocation-free.
     */
    int after(PreparedPolicy p, boolean decided, boolean episodeEnded, long tick, long now) {
        int written = 0;
        if (!started) {
            started = true; // rewards received before the first tick belong to no decision
            if (reward != null) {
                rewardsSeen = reward.receivedCount();
            }
        }
        if (pending) {
            float r = Float.NaN;
            if (reward != null) {
                long n = reward.receivedCount();
                if (n != rewardsSeen && reward.poll(tick) != Subscription.NO_SAMPLE) {
                    rewardsSeen = n;
                    r = reward.message().getFloat(rewardData);
                }
            }
            if (recorder.record(pendingObservation, pendingAction, r, episodeEnded, pendingTime, pendingTag)) {
                written = 1;
            } else {
                written = -1;
            }
            pending = false;
        } else if (reward != null) {
            rewardsSeen = reward.receivedCount(); // a reward without a recorded decision belongs to no one
        }
        if (decided) {
            System.arraycopy(observation, 0, pendingObservation, 0, observation.length);
            for (int i = 0; i < command.length; i++) {
                pendingAction[p.actionIndex(i)] = command[i];
            }
            pendingTime = now;
            pendingTag = p.tag();
            pending = true;
        }
        return written;
    }
}
