package io.github.boneage.synthetic.impl;

/**
 * An ellipsoid seen along one of its axes: a carpal bone, an epiphysis, the thenar eminence. Its outline is the
 * ellipse with semi-axis {@code semiAxisU} along the unit vector (ux, uy) and {@code semiAxisV} across it; its depth
 * (path length through the centre) is {@code depthMm}. Bones have a cortex of the given thickness.
 */
public final class Ellipsoid extends Shape {

    private final double cx;
    private final double cy;
    private final double ux;
    private final double uy;
    private final double semiAxisU;
    private final double semiAxisV;
    private final double depthMm;
    private final double cortex;
    private final double mmPerUnit;

    /**
     * @param cx        centre x
     * @param cy        centre y
     * @param ux        x of the unit vector of the first axis
     * @param uy        y of the unit vector of the first axis
     * @param semiAxisU semi-axis along (ux, uy)
     * @param semiAxisV semi-axis across it
     * @param depthMm   path length through the centre, mm
     * @param cortex    cortical thickness (0 for soft tissue)
     * @param mmPerUnit millimetres per coordinate unit
     */
    public Ellipsoid(double cx, double cy, double ux, double uy, double semiAxisU, double semiAxisV, double depthMm,
            double cortex, double mmPerUnit) {
        this.cx = cx;
        this.cy = cy;
        this.ux = ux;
        this.uy = uy;
        this.semiAxisU = semiAxisU;
        this.semiAxisV = semiAxisV;
        this.depthMm = depthMm;
        this.cortex = cortex;
        this.mmPerUnit = mmPerUnit;
    }

    @Override
    public Ellipsoid transformed(Placement p) {
        double k = p.scale();
        return new Ellipsoid(p.x(cx, cy), p.y(cx, cy), p.directionX(ux, uy), p.directionY(ux, uy), semiAxisU * k,
                semiAxisV * k, depthMm, cortex * k, mmPerUnit / k);
    }

    @Override
    public void addBounds(double[] box) {
        double hx = Math.sqrt(semiAxisU * ux * semiAxisU * ux + semiAxisV * uy * semiAxisV * uy);
        double hy = Math.sqrt(semiAxisU * uy * semiAxisU * uy + semiAxisV * ux * semiAxisV * ux);
        include(box, cx - hx, cy - hy);
        include(box, cx + hx, cy + hy);
    }

    /**
     * Adds points on the outline to {@code points}, for boxes of transformed regions.
     *
     * @param points receives {x, y} pairs
     * @param count  how many points
     */
    void outline(java.util.List<double[]> points, int count) {
        for (int k = 0; k < count; k++) {
            double angle = 2 * Math.PI * k / count;
            double a = semiAxisU * StrictMath.cos(angle);
            double b = semiAxisV * StrictMath.sin(angle);
            points.add(new double[] {cx + a * ux - b * uy, cy + a * uy + b * ux});
        }
    }

    @Override
    public void render(float[] outer, float[] inner, int width, int height) {
        if (semiAxisU <= 0 || semiAxisV <= 0) {
            return;
        }
        double invU = 1 / semiAxisU;
        double invV = 1 / semiAxisV;
        double minAxis = Math.min(semiAxisU, semiAxisV);
        // A pixel reaches at most half a pixel (times sqrt 2) beyond the outline; q is the normalized radius.
        double qLimit = 1 + 0.75 / minAxis;
        double qLimit2 = qLimit * qLimit;
        double medU = semiAxisU - cortex;
        double medV = semiAxisV - cortex;
        boolean hasMedulla = inner != null && cortex > 0 && medU > 0 && medV > 0;
        double invMedU = hasMedulla ? 1 / medU : 0;
        double invMedV = hasMedulla ? 1 / medV : 0;
        double medDepth = Math.max(0, depthMm - 2 * cortex * mmPerUnit);

        double[] box = emptyBounds();
        addBounds(box);
        int x0 = firstPixel(box[0]);
        int x1 = endPixel(box[2], width);
        int y0 = firstPixel(box[1]);
        int y1 = endPixel(box[3], height);
        for (int y = y0; y < y1; y++) {
            double py = y + 0.5 - cy;
            int row = y * width;
            for (int x = x0; x < x1; x++) {
                double px = x + 0.5 - cx;
                double u = px * ux + py * uy;
                double v = py * ux - px * uy;
                double nu = u * invU;
                double nv = v * invV;
                double q2 = nu * nu + nv * nv;
                if (q2 >= qLimit2) {
                    continue;
                }
                double rho = Math.sqrt(u * u + v * v);
                int i = row + x;
                // Along the ray from the centre through the pixel the outline lies at rho / q.
                double profile = q2 > 1e-18 ? DiscProfile.radialMean(rho, rho / Math.sqrt(q2))
                        : DiscProfile.radialMean(0, minAxis);
                float t = (float) (depthMm * profile);
                if (t > outer[i]) {
                    outer[i] = t;
                }
                if (hasMedulla) {
                    double mu = u * invMedU;
                    double mv = v * invMedV;
                    double m2 = mu * mu + mv * mv;
                    double mp = m2 > 1e-18 ? DiscProfile.radialMean(rho, rho / Math.sqrt(m2))
                            : DiscProfile.radialMean(0, minAxis);
                    float m = (float) (medDepth * mp);
                    if (m > inner[i]) {
                        inner[i] = m;
                    }
                }
            }
        }
    }
}
