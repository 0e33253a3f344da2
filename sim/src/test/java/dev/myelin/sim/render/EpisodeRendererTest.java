package dev.myelin.sim.render;

import dev.myelin.sim.Actor;
import dev.myelin.sim.Outcome;
import dev.myelin.sim.SimEnv;
import dev.myelin.sim.TaskSpec;
import dev.myelin.sim.Tasks;
import dev.myelin.sim.task.DiffDriveNav;
import dev.myelin.sim.task.PendulumSwingUp;
import dev.myelin.sim.task.ScriptedNavigator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EpisodeRendererTest {

    @Test
    void navigationMapShowsObstaclesTrajectoryAndGoal(@TempDir Path dir) throws Exception {
        SimEnv env = new SimEnv(Tasks.simulator(TaskSpec.of("diffdrive-nav"), 1));
        DiffDriveNav nav = (DiffDriveNav) env.simulator();
        EpisodeRecording rec = EpisodeRecording.record(env, nav, ScriptedNavigator.of(nav).actor(1, 68), 3);
        assertEquals(Outcome.SUCCESS, rec.outcome(0));
        assertEquals(rec.states() - 1, env.stats().steps());
        Path png = dir.resolve("maps/ep.png");
        EpisodeRenderer.writePng(rec, 600, png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(600, img.getWidth());
        assertTrue(img.getHeight() > 600, "legend below the map");

        // Same metres-to-pixels mapping as the renderer: 4 % margin, y up.
        double half = nav.arenaHalfSize();
        double margin = 600 * 0.04;
        double scale = (600 - 2 * margin) / (2 * half);
        int obstacleRgb = 0x8a8f98;
        int seen = 0;
        for (int k = 0; k < nav.obstacleCount(0); k++) {
            int px = (int) Math.round(margin + (nav.obstacleX(0, k) + half) * scale);
            int py = (int) Math.round(margin + (half - nav.obstacleY(0, k)) * scale);
            if ((img.getRGB(px, py) & 0xFFFFFF) == obstacleRgb) {
                seen++;
            }
        }
        assertTrue(seen >= nav.obstacleCount(0) - 1, "obstacle centres drawn: " + seen + " of " + nav.obstacleCount(0));
        // The robot's final disc is drawn in its colour at its final position.
        int last = rec.states() - 1;
        int rx = (int) Math.round(margin + (rec.poseA(last, 0) + half) * scale - 0.5 * nav.robotRadius() * scale);
        int ry = (int) Math.round(margin + (half - rec.poseB(last, 0)) * scale);
        int rgb = img.getRGB(rx, ry) & 0xFFFFFF;
        assertTrue(((rgb >> 16) & 0xFF) < 0x60 && (rgb & 0xFF) > 0x90, "robot blue at its final pose, got " + Integer.toHexString(rgb));
        assertEquals(68, rec.finalScan(0).length + 4);
    }

    @Test
    void multiRobotAndClassicTasksRender() {
        SimEnv multi = new SimEnv(Tasks.simulator(TaskSpec.of("multi-diffdrive").withOption("robots", 3), 1));
        DiffDriveNav nav = (DiffDriveNav) multi.simulator();
        EpisodeRecording rec = EpisodeRecording.record(multi, nav, ScriptedNavigator.of(nav).actor(3, 68), 1);
        assertEquals(3, rec.agents());
        BufferedImage img = EpisodeRenderer.render(rec, 400);
        assertEquals(400, img.getWidth());

        SimEnv pendulum = new SimEnv(Tasks.simulator(TaskSpec.of("pendulum"), 1));
        EpisodeRecording swing = EpisodeRecording.record(pendulum, pendulum.simulator(), new PendulumSwingUp(), 2);
        assertEquals(201, swing.states());
        BufferedImage strip = EpisodeRenderer.render(swing, 800);
        int red = 0;
        for (int x = 0; x < strip.getWidth(); x += 2) {
            for (int y = 0; y < strip.getHeight(); y += 2) {
                int rgb = strip.getRGB(x, y) & 0xFFFFFF;
                if (rgb == 0xd62728) {
                    red++;
                }
            }
        }
        assertTrue(red > 100, "rods and the angle trace are drawn: " + red);

        SimEnv cart = new SimEnv(Tasks.simulator(TaskSpec.of("cartpole-swingup"), 1));
        EpisodeRecording c = EpisodeRecording.record(cart, cart.simulator(), Actor.uniform(cart.actionSpace(), 4), 4);
        assertTrue(c.states() > 1);
        EpisodeRenderer.render(c, 300);
        assertThrows(IllegalArgumentException.class, () -> EpisodeRenderer.render(c, 50));
    }

    @Test
    void mujocoBodiesAreDrawnInASideView(@TempDir Path dir) throws Exception {
        try (SimEnv env = new SimEnv(Tasks.simulator(TaskSpec.of("hopper"), 1))) {
            EpisodeRecording rec = EpisodeRecording.record(env, env.simulator(),
                    Actor.uniform(env.actionSpace(), 2), 4);
            BodyFrames f = rec.bodies();
            assertEquals(rec.states(), f.states());
            assertEquals(5, f.geoms(), "floor, torso, thigh, leg, foot");
            // the torso capsule starts upright, 0.4 m long, centred at 1.25 m (reset noise aside)
            assertEquals(1.45, f.end(0, 1, 1, 2), 0.02);
            assertEquals(1.05, f.end(0, 1, 0, 2), 0.02);
            assertEquals(-1, f.radius(0, 0), "the floor plane is not drawn");
            Path png = dir.resolve("hopper.png");
            EpisodeRenderer.writePng(rec, 800, png);
            BufferedImage img = ImageIO.read(png.toFile());
            // first frame: the torso's middle (x = root x, z = 1.25) in the body colour
            int stripH = 800 / 4;
            double scale = (800 / 8.0) / 2.4;
            int px = (int) Math.round(800 / 16.0);
            int py = (int) Math.round(stripH * 0.85 - 1.25 * scale);
            int rgb = img.getRGB(px, py) & 0xFFFFFF;
            assertEquals(0x1f77b4, rgb, "torso drawn at " + px + "," + py + ": " + Integer.toHexString(rgb));
        }
    }
}
