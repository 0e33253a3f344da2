package dev.myelin.sim.render;

import dev.myelin.sim.mujoco.MjArray;
import dev.myelin.sim.mujoco.MjData;
import dev.myelin.sim.mujoco.MjModel;

import java.util.Arrays;

/**
 * The geoms of a MuJoCo robot over an episode, for drawing: per recorded state and geom the two end
 * points of its axis in the world (a sphere's are equal) and its radius. Capsules and cylinders use
 * their half-length along the local z axis, boxes and ellipsoids their largest half-size; planes are
 * skipped.
 */
public final class BodyFrames {
    private static final int STRIDE = 7;
    private final int geoms;
    private final int[] type;
    private final double[] size;
    private final int plane;
    private final int sphere;
    private final int capsule;
    private final int cylinder;
    private double[] frames = new double[0];
    private int states;

    BodyFrames(MjModel model) {
        geoms = model.ngeom();
        type = new int[geoms];
        size = new double[geoms * 3];
        MjArray t = model.array("geom_type");
        MjArray s = model.array("geom_size");
        for (int g = 0; g < geoms; g++) {
            type[g] = t.getInt(g);
            for (int k = 0; k < 3; k++) {
                size[g * 3 + k] = s.get(g, k);
            }
        }
        // mjtGeom: plane 0, hfield 1, sphere 2, capsule 3, ellipsoid 4, cylinder 5, box 6
        plane = 0;
        sphere = 2;
        capsule = 3;
        cylinder = 5;
    }

    void capture(MjData d) {
        int need = (states + 1) * geoms * STRIDE;
        if (need > frames.length) {
            frames = Arrays.copyOf(frames, Math.max(need, frames.length * 2));
        }
        MjArray pos = d.array("geom_xpos");
        MjArray mat = d.array("geom_xmat");
        for (int g = 0; g < geoms; g++) {
            int o = (states * geoms + g) * STRIDE;
            double half = type[g] == capsule || type[g] == cylinder ? size[g * 3 + 1] : 0;
            double radius = type[g] == sphere || type[g] == capsule || type[g] == cylinder ? size[g * 3]
                    : Math.max(size[g * 3], Math.max(size[g * 3 + 1], size[g * 3 + 2]));
            for (int k = 0; k < 3; k++) {
                double axis = mat.get(g * 9 + 3 * k + 2); // local z axis in world coordinates
                frames[o + k] = pos.get(g * 3 + k) - half * axis;
                frames[o + 3 + k] = pos.get(g * 3 + k) + half * axis;
            }
            frames[o + 6] = type[g] == plane ? -1 : radius;
        }
        states++;
    }

    public int geoms() {
        return geoms;
    }

    public int states() {
        return states;
    }

    /** Coordinate {@code axis} (0 x, 1 y, 2 z) of end point {@code end} (0 or 1) of geom {@code g} at state {@code k}. */
    public double end(int k, int g, int end, int axis) {
        return frames[(k * geoms + g) * STRIDE + end * 3 + axis];
    }

    /** Radius of geom {@code g}, or -1 for a plane (not drawn). */
    public double radius(int k, int g) {
        return frames[(k * geoms + g) * STRIDE + 6];
    }
}
