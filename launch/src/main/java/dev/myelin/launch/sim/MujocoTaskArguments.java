package dev.myelin.launch.sim;

import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.mujoco.MjcfTask;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code --task NAME|mjcf:PATH.xml [--task-spec SPEC.yaml]} as a task spec or as trainer overrides. */
public final class MujocoTaskArguments {
    private MujocoTaskArguments() {
    }

    /** The task spec of the two options, paths made absolute so that runs and bundles can find them again. */
    static TaskSpec spec(String task, Path taskSpec) {
        if (!Tasks.isKnown(task)) {
            throw new IllegalArgumentException("--task: unknown task '" + task + "' (known: "
                    + String.join(", ", Tasks.names()) + ", mjcf:PATH.xml)");
        }
        if (!task.startsWith(MjcfTask.PREFIX)) {
            if (taskSpec != null) {
                throw new IllegalArgumentException("--task-spec applies to mjcf:PATH.xml tasks only, not " + task);
            }
            return TaskSpec.of(task);
        }
        Path xml = Path.of(task.substring(MjcfTask.PREFIX.length())).toAbsolutePath().normalize();
        if (!Files.isRegularFile(xml)) {
            throw new IllegalArgumentException("--task: no such MJCF file " + xml);
        }
        if (taskSpec == null) {
            throw new IllegalArgumentException("--task " + task + " needs --task-spec SPEC.yaml");
        }
        if (!Files.isRegularFile(taskSpec)) {
            throw new IllegalArgumentException("--task-spec: no such file " + taskSpec);
        }
        return TaskSpec.of(MjcfTask.PREFIX + xml).withOption(MjcfTask.SPEC_OPTION, taskSpec.toAbsolutePath().normalize());
    }

    /** The same as {@code key=value} settings of the trainers ({@code task=...}, {@code task_options.task_spec=...}). */
    public static List<String> overrides(String task, Path taskSpec) {
        List<String> out = new ArrayList<>();
        if (task == null) {
            if (taskSpec != null) {
                throw new IllegalArgumentException("--task-spec needs --task mjcf:PATH.xml");
            }
            return out;
        }
        TaskSpec spec = spec(task, taskSpec);
        out.add("task=" + spec.task());
        spec.options().forEach((k, v) -> out.add("task_options." + k + "=" + v));
        return out;
    }
}
