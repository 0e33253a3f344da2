package dev.myelin.sim.mujoco;

/**
 * Names and units of a model's generalized coordinates, from the joints that own them: a hinge or
 * slide joint {@code j} names its position {@code j} and its velocity {@code j_velocity}; a free
 * joint names {@code j_x ... j_qz} and {@code j_vx ... j_wz}; a ball joint {@code j_qw ... j_qz} and
 * {@code j_wx ... j_wz}.
 */
record Coordinates(String[] positionNames, String[] positionUnits, String[] velocityNames, String[] velocityUnits) {

    static Coordinates of(MjModel m) {
        String[] qn = new String[m.nq()];
        String[] qu = new String[m.nq()];
        String[] vn = new String[m.nv()];
        String[] vu = new String[m.nv()];
        MjArray type = m.array("jnt_type");
        MjArray qadr = m.array("jnt_qposadr");
        MjArray dadr = m.array("jnt_dofadr");
        int free = MjNative.LAYOUT.enumValue("mjJNT_FREE");
        int ball = MjNative.LAYOUT.enumValue("mjJNT_BALL");
        int slide = MjNative.LAYOUT.enumValue("mjJNT_SLIDE");
        for (int j = 0; j < m.njnt(); j++) {
            String n = m.name(MjObject.JOINT, j);
            n = n.isEmpty() ? "joint" + j : n;
            int q = qadr.getInt(j);
            int d = dadr.getInt(j);
            int t = type.getInt(j);
            if (t == free || t == ball) {
                String[] pq = t == free ? new String[]{"x", "y", "z", "qw", "qx", "qy", "qz"} : new String[]{"qw", "qx", "qy", "qz"};
                String[] pv = t == free ? new String[]{"vx", "vy", "vz", "wx", "wy", "wz"} : new String[]{"wx", "wy", "wz"};
                for (int k = 0; k < pq.length; k++) {
                    qn[q + k] = n + "_" + pq[k];
                    qu[q + k] = t == free && k < 3 ? "m" : "1";
                }
                for (int k = 0; k < pv.length; k++) {
                    vn[d + k] = n + "_" + pv[k];
                    vu[d + k] = t == free && k < 3 ? "m/s" : "rad/s";
                }
            } else {
                qn[q] = n;
                qu[q] = t == slide ? "m" : "rad";
                vn[d] = n + "_velocity";
                vu[d] = t == slide ? "m/s" : "rad/s";
            }
        }
        return new Coordinates(qn, qu, vn, vu);
    }

    /** Number of position coordinates of joint {@code j}. */
    static int positions(MjModel m, int j) {
        int t = m.array("jnt_type").getInt(j);
        return t == MjNative.LAYOUT.enumValue("mjJNT_FREE") ? 7 : t == MjNative.LAYOUT.enumValue("mjJNT_BALL") ? 4 : 1;
    }

    /** Number of velocity coordinates of joint {@code j}. */
    static int velocities(MjModel m, int j) {
        int t = m.array("jnt_type").getInt(j);
        return t == MjNative.LAYOUT.enumValue("mjJNT_FREE") ? 6 : t == MjNative.LAYOUT.enumValue("mjJNT_BALL") ? 3 : 1;
    }
}
