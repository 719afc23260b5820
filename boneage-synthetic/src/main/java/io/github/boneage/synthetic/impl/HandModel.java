package io.github.boneage.synthetic.impl;

import io.github.boneage.core.Sex;
import io.github.boneage.synthetic.AgeSignalRegion;
import io.github.boneage.synthetic.Carpal;
import io.github.boneage.synthetic.EpiphysisGroup;
import io.github.boneage.synthetic.EpiphysisState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The anatomy of one synthetic left hand in PA view, in millimetres: x towards the thumb (radial side), y towards the
 * fingertips, origin at the radiocarpal joint. It is laid out for an adult boy and scaled to the hand length of the
 * requested age; maturation (carpal centres, epiphyses, growth-plate fusion) follows {@link Maturity}.
 *
 * <p>The seven reference points are placed on bone at every age: each finger point on the axis of the proximal
 * phalanx, just distal of its growth plate (the base of the phalanx, in the metaphysis); the radius and ulna points
 * on their axes just proximal of their distal growth plates. Fingertips are the distal ends of the distal phalanges.
 */
public final class HandModel {

    /** Hand length of the layout tables below, mm. */
    private static final double LAYOUT_LENGTH_MM = 190;
    private static final double JOINT_GAP_MM = 1.3;
    private static final double PHYSIS_GAP_MM = 1.0;
    /** Cap flatness of a metaphysis at its growth plate: nearly flat. */
    private static final double PHYSIS_FLATNESS = 0.3;
    /** Distance of a reference point from its growth plate, into the metaphysis, over the metaphysis half-width. */
    private static final double POINT_INTO_METAPHYSIS = 0.35;
    /** Bone width grows a little slower than length, soft tissue slower still: young hands are stubby and plump. */
    private static final double WIDTH_GROWTH_EXPONENT = 0.9;
    private static final double SOFT_GROWTH_EXPONENT = 0.75;
    private static final double MAX_FLEXION_DEGREES = 88;
    /** Fraction of the fusion period after which the growth-plate gap has closed. */
    private static final double PLATE_CLOSED_AT = 0.7;
    /** Fingers are about as deep as wide. */
    private static final double FINGER_DEPTH = 1.0;
    /** The distal radius and ulna are flatter front to back than side to side. */
    private static final double FOREARM_BONE_DEPTH = 0.7;

    private static final int THUMB = 0;

    /** Base of each metacarpal (thumb, index, middle, ring, little), mm. */
    private static final double[][] METACARPAL_BASE = {{24.5, 32}, {14, 36}, {2, 37.5}, {-10, 34.5}, {-20, 30.5}};
    /** Direction of each metacarpal, degrees from the y axis towards the thumb. */
    private static final double[] METACARPAL_ANGLE = {30, 7, 0, -6, -13};
    private static final double[] METACARPAL_LENGTH = {46, 68, 64, 57, 55};
    /** Half-widths of each metacarpal: base, waist, head. */
    private static final double[][] METACARPAL_WIDTH = {
        {7.0, 4.5, 7.0}, {5.8, 3.9, 6.2}, {5.8, 3.9, 6.4}, {5.2, 3.5, 5.8}, {5.0, 3.3, 5.4}};
    /** Per finger: proximal, middle (none for the thumb), distal phalanx: {length, base, waist, head half-width}. */
    private static final double[][][] PHALANX = {
        {{32, 8.0, 5.0, 6.2}, null, {23, 6.2, 3.4, 4.0}},
        {{40, 7.0, 4.4, 5.4}, {24, 5.8, 3.7, 4.6}, {18, 5.0, 2.6, 3.4}},
        {{44, 7.3, 4.6, 5.6}, {28, 6.2, 3.9, 4.8}, {19, 5.2, 2.7, 3.5}},
        {{42, 7.0, 4.4, 5.3}, {27, 5.9, 3.7, 4.6}, {19, 5.0, 2.6, 3.4}},
        {{36, 6.0, 3.7, 4.6}, {21, 5.0, 3.1, 4.0}, {18, 4.4, 2.3, 3.1}},
    };
    private static final EpiphysisGroup[] PHALANX_GROUP = {
        EpiphysisGroup.PROXIMAL_PHALANGES, EpiphysisGroup.MIDDLE_PHALANGES, EpiphysisGroup.DISTAL_PHALANGES};
    /** Soft-tissue radius of each finger at its base and at its tip. */
    private static final double[][] FINGER_RADIUS = {{11, 8.5}, {10, 7.8}, {10.3, 8.0}, {9.8, 7.6}, {8.8, 6.8}};
    /** Abduction at the metacarpophalangeal joint with the fingers together, and the change at full spread. */
    private static final double[] ABDUCTION_CLOSED = {-8, -4, 0, 3, 8};
    private static final double[] ABDUCTION_SPREAD = {22, 14, 0, -11, -26};
    /** Flexion at full curl of the joints proximal of the proximal, middle and distal phalanx. */
    private static final double[][] FLEXION = {{25, 0, 35}, {30, 40, 18}, {30, 40, 18}, {30, 40, 18}, {30, 40, 18}};

    /** Carpals in {@link Carpal} order: centre x, y, semi-axis along the angle, semi-axis across, angle (degrees). */
    private static final double[][] CARPAL = {
        {2, 24, 7.5, 11.5, 0},
        {-11, 22.5, 7.5, 10, 10},
        {-17, 10, 7.5, 5.5, 25},
        {-3.5, 7.5, 8.5, 6.8, 0},
        {22, 24, 8, 7, 30},
        {12.5, 27, 5.5, 6, 0},
        {12.5, 11, 12.5, 6.2, 55},
        {-20, 7.5, 5, 5.5, 0},
    };

    private static final double[] PALM_OUTLINE = {
        -23, 0, 22, 0, 31, 35, 29, 100, 22, 116, 4, 119, -16, 108, -33, 96, -37, 70, -34, 25};

    /** Ages at which each part of the hand is drawn; all equal unless the age signal is confined to one region. */
    public record Ages(double size, double carpals, double radiusUlna, double metacarpals, double phalanges) {

        /**
         * @param age           the sample's age
         * @param region        where the age signal lives
         * @param fixedAge      the age of everything outside that region
         * @return the ages of the parts
         */
        public static Ages of(double age, AgeSignalRegion region, double fixedAge) {
            return switch (region) {
                case WHOLE_HAND -> new Ages(age, age, age, age, age);
                case CARPALS -> new Ages(fixedAge, age, fixedAge, fixedAge, fixedAge);
                case RADIUS_ULNA -> new Ages(fixedAge, fixedAge, age, fixedAge, fixedAge);
                case PHALANGES -> new Ages(fixedAge, fixedAge, fixedAge, fixedAge, age);
            };
        }
    }

    private record BoneGeometry(double[] proximalEnd, double[] distalEnd, double[] physis, double metaphysisHalfWidth,
            double[] epiphysisCentre, double epiphysisHalfWidth, double epiphysisHalfHeight) {
    }

    private final double lengthScale;
    private final double widthScale;
    private final double softScale;
    private final double handLengthMm;
    private final List<Shape> softTissue = new ArrayList<>();
    private final List<List<Shape>> bones = new ArrayList<>();
    private final double[][] referencePoints = new double[7][];
    private final double[][] fingertips = new double[5][];
    private final List<double[]> keepIn = new ArrayList<>();
    private final Map<AgeSignalRegion, List<double[]>> footprints = new EnumMap<>(AgeSignalRegion.class);
    private final Set<Carpal> ossifiedCarpals = EnumSet.noneOf(Carpal.class);
    private final Map<EpiphysisGroup, EpiphysisState> epiphyses = new EnumMap<>(EpiphysisGroup.class);

    /**
     * Builds the anatomy.
     *
     * @param sex     {@link Sex#MALE} or {@link Sex#FEMALE}
     * @param ages    age of each part
     * @param spread  finger abduction, 0..1
     * @param curl    finger flexion, 0..1
     * @param anatomy random source of individual variation (bone lengths, widths, carpal positions)
     * @param pose    random source of per-finger pose variation
     */
    public HandModel(Sex sex, Ages ages, double spread, double curl, SplitMix64 anatomy, SplitMix64 pose) {
        this.handLengthMm = Maturity.handLengthMm(ages.size(), sex);
        this.lengthScale = handLengthMm / LAYOUT_LENGTH_MM;
        this.widthScale = StrictMath.pow(lengthScale, WIDTH_GROWTH_EXPONENT);
        this.softScale = StrictMath.pow(lengthScale, SOFT_GROWTH_EXPONENT);
        for (AgeSignalRegion r : AgeSignalRegion.values()) {
            footprints.put(r, new ArrayList<>());
        }
        for (EpiphysisGroup g : EpiphysisGroup.values()) {
            double age = switch (g) {
                case RADIUS, ULNA -> ages.radiusUlna();
                case METACARPALS -> ages.metacarpals();
                default -> ages.phalanges();
            };
            epiphyses.put(g, Maturity.epiphysis(g, age, sex));
        }

        // Individual variation is drawn in a fixed order, whatever the age, so one index keeps one anatomy.
        double fingerLength = 1 + anatomy.symmetric(0.04);
        double boneWidth = 1 + anatomy.symmetric(0.06);
        double[] metacarpalAngleJitter = new double[5];
        double[][] lengthJitter = new double[5][4];
        for (int f = 0; f < 5; f++) {
            metacarpalAngleJitter[f] = anatomy.symmetric(1.5);
            for (int b = 0; b < 4; b++) {
                lengthJitter[f][b] = 1 + anatomy.symmetric(0.03);
            }
        }
        double[][] carpalJitter = new double[CARPAL.length][3];
        for (double[] j : carpalJitter) {
            j[0] = anatomy.symmetric(0.8);
            j[1] = anatomy.symmetric(0.8);
            j[2] = 1 + anatomy.symmetric(0.06);
        }
        double[] abductionJitter = new double[5];
        double[] curlFactor = new double[5];
        double[][] jointJitter = new double[5][3];
        for (int f = 0; f < 5; f++) {
            abductionJitter[f] = pose.symmetric(3);
            curlFactor[f] = 1 + pose.symmetric(0.3);
            for (int k = 0; k < 3; k++) {
                jointJitter[f][k] = pose.symmetric(2.5);
            }
        }

        addForearm(boneWidth);
        addCarpals(sex, ages.carpals(), carpalJitter);
        addPalm();
        for (int f = 0; f < 5; f++) {
            addRay(f, spread, Math.min(1, curl * curlFactor[f]), fingerLength, boneWidth, metacarpalAngleJitter[f],
                    lengthJitter[f], abductionJitter[f], jointJitter[f]);
        }
        footprints.get(AgeSignalRegion.WHOLE_HAND).addAll(keepIn);
    }

    // ---- results -------------------------------------------------------------------------------------------------

    /** @return soft-tissue bodies, combined as a union */
    public List<Shape> softTissue() {
        return Collections.unmodifiableList(softTissue);
    }

    /** @return bones, each a list of bodies combined as a union (a shaft with its epiphysis); bones add up */
    public List<List<Shape>> bones() {
        return Collections.unmodifiableList(bones);
    }

    /** @return the seven reference points in ReferencePoint order, {x, y} in model mm */
    public double[][] referencePoints() {
        return referencePoints.clone();
    }

    /** @return the five fingertips in Finger order, {x, y} in model mm */
    public double[][] fingertips() {
        return fingertips.clone();
    }

    /** @return points that must stay inside the image: the hand outline and the distal forearm */
    public List<double[]> keepInPoints() {
        return Collections.unmodifiableList(keepIn);
    }

    /**
     * @param region the age-signal region
     * @return points outlining the region (its bones at full size), for its box in the image
     */
    public List<double[]> footprint(AgeSignalRegion region) {
        return Collections.unmodifiableList(footprints.get(region));
    }

    /** @return the carpals whose ossification centre is visible */
    public Set<Carpal> ossifiedCarpals() {
        return Collections.unmodifiableSet(ossifiedCarpals);
    }

    /** @return the stage of each group of epiphyses */
    public Map<EpiphysisGroup, EpiphysisState> epiphyses() {
        return Collections.unmodifiableMap(epiphyses);
    }

    /** @return the modelled hand length (wrist to middle fingertip), mm */
    public double handLengthMm() {
        return handLengthMm;
    }

    // ---- anatomy -------------------------------------------------------------------------------------------------

    private void addForearm(double boneWidth) {
        double g = lengthScale;
        double w = widthScale;
        double s = softScale;
        softTissue.add(Tube.soft(point(1, -450), point(1, 8), 31 * s, 27.5 * s, 0.3, 0.35, 0.6));
        keepIn.add(new double[] {1 - 27.5 * s, -25 * g});
        keepIn.add(new double[] {1 + 27.5 * s, -25 * g});

        double bw = w * boneWidth;
        BoneGeometry radius = forearmBone(point(9, 0), direction(2), 12.5 * bw, 7.2 * bw, 7.8 * bw,
                EpiphysisGroup.RADIUS, 0.36, 12);
        BoneGeometry ulna = forearmBone(point(-16, -3.5), direction(-1), 7.0 * bw, 5.0 * bw, 5.6 * bw,
                EpiphysisGroup.ULNA, 0.6, 0);
        EpiphysisState ulnaState = epiphyses.get(EpiphysisGroup.ULNA);
        if (ulnaState.ossified() && ulnaState.widthRatio() > 0.7) {
            // The ulnar styloid grows out of the maturing epiphysis on its ulnar side.
            double grow = (ulnaState.widthRatio() - 0.7) / (Maturity.cappedRatio() - 0.7);
            double[] dir = direction(-1);
            double[] c = ulna.epiphysisCentre();
            double hw = ulna.epiphysisHalfWidth();
            double hh = ulna.epiphysisHalfHeight();
            double[] styloid = {c[0] - dir[1] * 0.62 * hw + dir[0] * 0.8 * hh,
                c[1] + dir[0] * 0.62 * hw + dir[1] * 0.8 * hh};
            List<Shape> group = bones.get(bones.size() - 1);
            group.add(new Ellipsoid(styloid[0], styloid[1], dir[1], -dir[0], 0.22 * hw, 1.1 * hh * grow,
                    0.5 * hw, 0.3 * w, 1));
        }
        referencePoints[5] = along(radius.physis(), direction(2),
                -POINT_INTO_METAPHYSIS * radius.metaphysisHalfWidth());
        referencePoints[6] = along(ulna.physis(), direction(-1), -POINT_INTO_METAPHYSIS * ulna.metaphysisHalfWidth());
        for (double[] p : new double[][] {referencePoints[5], referencePoints[6]}) {
            keepIn.add(new double[] {p[0], p[1] - 12 * g});
        }
    }

    /** A forearm bone: a flared distal end with its epiphysis, then a straight shaft out of the picture. */
    private BoneGeometry forearmBone(double[] distalEnd, double[] dir, double metaphysis, double waist, double shaft,
            EpiphysisGroup group, double adultAspect, double tiltDegrees) {
        double g = lengthScale;
        double flareLength = 120 * g;
        double[] flareStart = along(distalEnd, dir, -flareLength);
        List<Shape> bone = new ArrayList<>();
        BoneGeometry geometry = longBone(bone, AgeSignalRegion.RADIUS_ULNA, flareStart, dir, flareLength, 1,
                shaft, waist, metaphysis, 1, epiphyses.get(group), adultAspect, 1, 1,
                new double[] {0.34 * shaft, 0.36 * waist, 0.1 * metaphysis + 0.2 * widthScale}, tiltDegrees,
                FOREARM_BONE_DEPTH);
        bone.add(Tube.bone(along(flareStart, dir, -330 * g), along(flareStart, dir, shaft), shaft, shaft, shaft,
                0.34 * shaft, 0.34 * shaft, 0.34 * shaft, 1, 1, FOREARM_BONE_DEPTH));
        bones.add(bone);
        double[] p = geometry.physis();
        double m = geometry.metaphysisHalfWidth();
        double[] across = {dir[1], -dir[0]};
        List<double[]> footprint = footprints.get(AgeSignalRegion.RADIUS_ULNA);
        footprint.add(new double[] {p[0] + across[0] * m - dir[0] * 10 * g, p[1] + across[1] * m - dir[1] * 10 * g});
        footprint.add(new double[] {p[0] - across[0] * m - dir[0] * 10 * g, p[1] - across[1] * m - dir[1] * 10 * g});
        return geometry;
    }

    private void addCarpals(Sex sex, double age, double[][] jitter) {
        double g = lengthScale;
        double w = widthScale;
        for (Carpal carpal : Carpal.values()) {
            double[] c = CARPAL[carpal.ordinal()];
            double[] j = jitter[carpal.ordinal()];
            double x = (c[0] + j[0]) * g;
            double y = (c[1] + j[1]) * g;
            double angle = StrictMath.toRadians(c[4]);
            double ux = StrictMath.cos(angle);
            double uy = StrictMath.sin(angle);
            double adultU = c[2] * w * j[2];
            double adultV = c[3] * w * j[2];
            new Ellipsoid(x, y, ux, uy, adultU, adultV, 0, 0, 1).outline(footprints.get(AgeSignalRegion.CARPALS), 12);
            double size = Maturity.carpalSize(carpal, age, sex);
            if (size == 0) {
                continue;
            }
            ossifiedCarpals.add(carpal);
            // A young centre is round; it takes the bone's shape as it grows.
            double mean = 0.5 * (adultU + adultV);
            double su = size * (mean + (adultU - mean) * size);
            double sv = size * (mean + (adultV - mean) * size);
            double depth = 0.85 * (su + sv);
            double cortex = 0.1 * Math.min(su, sv) + 0.25 * w;
            bones.add(List.of(new Ellipsoid(x, y, ux, uy, su, sv, depth, cortex, 1)));
        }
    }

    private void addPalm() {
        double g = lengthScale;
        double s = softScale;
        List<double[]> outline = new ArrayList<>();
        for (int i = 0; i < PALM_OUTLINE.length; i += 2) {
            // Across the hand the palm follows the (plumper) soft-tissue growth, along it the length.
            outline.add(new double[] {PALM_OUTLINE[i] * s, PALM_OUTLINE[i + 1] * g});
        }
        ConvexSlab palm = ConvexSlab.hullOf(outline, 24 * s);
        softTissue.add(palm);
        keepIn.addAll(palm.vertices());
    }

    private void addRay(int finger, double spread, double curl, double fingerLength, double boneWidth,
            double angleJitter, double[] lengthJitter, double abductionJitter, double[] jointJitter) {
        double g = lengthScale;
        double w = widthScale;
        double bw = w * boneWidth;
        double metacarpalAngle = METACARPAL_ANGLE[finger] + angleJitter;
        double[] metacarpalDir = direction(metacarpalAngle);
        double[] base = point(METACARPAL_BASE[finger][0], METACARPAL_BASE[finger][1]);
        double[] mw = METACARPAL_WIDTH[finger];
        boolean thumb = finger == THUMB;
        List<Shape> metacarpal = new ArrayList<>();
        // The thumb's metacarpal has its epiphysis at the base, the others at the head.
        BoneGeometry mc = longBone(metacarpal, AgeSignalRegion.WHOLE_HAND, base, metacarpalDir,
                METACARPAL_LENGTH[finger] * g * fingerLength * lengthJitter[0], 1, mw[0] * bw, mw[1] * bw,
                mw[2] * bw, thumb ? -1 : 1, epiphyses.get(EpiphysisGroup.METACARPALS), thumb ? 0.35 : 0.8, 0.4, 0.7,
                cortex(mw, bw, 0.4), 0, 1);
        bones.add(metacarpal);
        if (thumb) {
            double[] mid = along(base, metacarpalDir, 0.45 * METACARPAL_LENGTH[finger] * g);
            Ellipsoid thenar = new Ellipsoid(mid[0] - 7 * softScale, mid[1], metacarpalDir[0], metacarpalDir[1],
                    29 * g, 17 * softScale, 24 * softScale, 0, 1);
            softTissue.add(thenar);
            thenar.outline(keepIn, 12);
        }

        double angle = metacarpalAngle + ABDUCTION_CLOSED[finger] + ABDUCTION_SPREAD[finger] * spread + abductionJitter;
        double[] joint = along(mc.distalEnd(), direction(angle), JOINT_GAP_MM * g);
        double[] softStart = thumb ? along(base, metacarpalDir, 0.5 * METACARPAL_LENGTH[finger] * g)
                : along(mc.distalEnd(), metacarpalDir, -14 * g);
        double flexion = 0;
        double radiusBase = FINGER_RADIUS[finger][0] * softScale;
        double radiusTip = FINGER_RADIUS[finger][1] * softScale;
        double[] softFraction = {0, 0.45, 0.75, 1};
        for (int k = 0; k < 3; k++) {
            double[] spec = PHALANX[finger][k];
            if (spec == null) {
                continue;
            }
            flexion = Math.min(MAX_FLEXION_DEGREES, flexion + FLEXION[finger][k] * curl);
            double axial = StrictMath.cos(StrictMath.toRadians(flexion));
            if (k > 0) {
                angle += jointJitter[k];
            }
            double[] dir = direction(angle);
            boolean distal = k == 2;
            List<Shape> phalanx = new ArrayList<>();
            BoneGeometry bone = longBone(phalanx, AgeSignalRegion.PHALANGES, joint, dir,
                    spec[0] * g * fingerLength * lengthJitter[k + 1], axial, spec[1] * bw, spec[2] * bw,
                    spec[3] * bw, -1, epiphyses.get(PHALANX_GROUP[k]), 0.28, 1, distal ? 0.5 : 0.65,
                    cortex(new double[] {spec[1], spec[2], spec[3]}, bw, distal ? 0.3 : 0.36), 0, 1);
            bones.add(phalanx);
            List<double[]> footprint = footprints.get(AgeSignalRegion.PHALANGES);
            double[] across = {dir[1], -dir[0]};
            footprint.add(along(bone.proximalEnd(), across, spec[1] * bw));
            footprint.add(along(bone.proximalEnd(), across, -spec[1] * bw));
            footprint.add(along(bone.distalEnd(), across, spec[3] * bw));
            footprint.add(along(bone.distalEnd(), across, -spec[3] * bw));
            if (k == 0) {
                referencePoints[finger] = along(bone.physis(), dir,
                        POINT_INTO_METAPHYSIS * bone.metaphysisHalfWidth() * axial);
            }
            double fromFraction = softFraction[thumb && k == 2 ? 1 : k];
            double[] softEnd = distal ? along(bone.distalEnd(), dir, 3 * g) : bone.distalEnd();
            double r0 = radiusBase + (radiusTip - radiusBase) * fromFraction;
            double r1 = radiusBase + (radiusTip - radiusBase) * softFraction[k + 1];
            if (k == 0) {
                softTissue.add(Tube.soft(softStart, joint, radiusBase, radiusBase, 1, 1, FINGER_DEPTH));
            }
            softTissue.add(Tube.soft(joint, softEnd, r0, r1, 1, 1, FINGER_DEPTH));
            if (distal) {
                fingertips[finger] = bone.distalEnd();
                addCircle(keepIn, softEnd, r1, 8);
            }
            joint = along(bone.distalEnd(), dir, JOINT_GAP_MM * g * axial);
        }
    }

    /** @return cortical thickness at base, waist and head for a bone of the given half-widths */
    private double[] cortex(double[] halfWidths, double scale, double waistFraction) {
        return new double[] {
            0.1 * halfWidths[0] * scale + 0.2 * widthScale,
            waistFraction * halfWidths[1] * scale,
            0.1 * halfWidths[2] * scale + 0.2 * widthScale};
    }

    /**
     * A long bone from {@code proximal} along {@code dir}: the shaft (diaphysis and metaphyses) and, if ossified, the
     * epiphysis at the proximal ({@code epiphysisEnd < 0}) or distal end, separated by the growth plate until it fuses.
     * The bone's full length includes the cartilage reserved for the epiphysis, so before the epiphysis ossifies the
     * joint looks wide, as in an infant. {@code axial} foreshortens everything along the axis (a flexed finger).
     */
    private BoneGeometry longBone(List<Shape> bone, AgeSignalRegion footprintRegion, double[] proximal, double[] dir,
            double length, double axial, double hwProximal, double hwWaist, double hwDistal, int epiphysisEnd,
            EpiphysisState state, double adultAspect, double flatProximal, double flatDistal, double[] cortex,
            double tiltDegrees, double depthFactor) {
        double[] distalEnd = along(proximal, dir, length * axial);
        boolean atProximal = epiphysisEnd < 0;
        double hwEnd = atProximal ? hwProximal : hwDistal;
        double physisGap = PHYSIS_GAP_MM * widthScale;
        double cappedHalfWidth = Maturity.cappedRatio() * hwEnd;
        double cappedHalfHeight = adultAspect * cappedHalfWidth;
        double cartilage = physisGap + 2 * cappedHalfHeight;
        double[] toEnd = atProximal ? new double[] {-dir[0], -dir[1]} : dir;
        double[] physis = atProximal ? along(proximal, dir, cartilage * axial)
                : along(distalEnd, dir, -cartilage * axial);
        double tilt = StrictMath.toRadians(tiltDegrees);
        double ux = dir[1] * StrictMath.cos(tilt) + dir[0] * StrictMath.sin(tilt);
        double uy = -dir[0] * StrictMath.cos(tilt) + dir[1] * StrictMath.sin(tilt);

        double halfWidth = 0;
        double halfHeight = 0;
        double[] centre = along(physis, toEnd, 0.5 * cartilage * axial);
        if (state.ossified()) {
            halfWidth = state.widthRatio() * hwEnd;
            double shape = Math.min(1, Math.max(0, (state.widthRatio() - 0.3) / 0.7));
            halfHeight = halfWidth * (0.75 + (adultAspect - 0.75) * shape);
            // A young centre sits in the middle of its cartilage; grown, it keeps one growth-plate width away.
            double centreDistance = Math.max(0.5 * cartilage, physisGap + halfHeight);
            centre = along(physis, toEnd, centreDistance * axial);
            double epiphysisCortex = 0.1 * Math.min(halfWidth, halfHeight) + 0.15 * widthScale;
            bone.add(new Ellipsoid(centre[0], centre[1], ux, uy, halfWidth, halfHeight * axial,
                    1.7 * depthFactor * halfWidth, epiphysisCortex, 1));
        }
        // Fusion: over most of it the growth plate narrows until the metaphysis touches the epiphysis; in the last
        // part they merge, the metaphysis growing into the epiphysis.
        double fusion = state.fusion();
        double bridge = physisGap * Math.min(1, fusion / PLATE_CLOSED_AT)
                + 0.6 * halfHeight * Math.max(0, (fusion - PLATE_CLOSED_AT) / (1 - PLATE_CLOSED_AT));
        if (atProximal) {
            bone.add(Tube.bone(physis, distalEnd, hwEnd, hwWaist, hwDistal, cortex[0], cortex[1], cortex[2],
                    PHYSIS_FLATNESS * axial, flatDistal * axial, depthFactor));
        } else {
            bone.add(Tube.bone(proximal, physis, hwProximal, hwWaist, hwEnd, cortex[0], cortex[1], cortex[2],
                    flatProximal * axial, PHYSIS_FLATNESS * axial, depthFactor));
        }
        if (bridge > 0) {
            // A separate body, so that the shaft (and everything far from the plate) does not change with fusion.
            double endCortex = atProximal ? cortex[0] : cortex[2];
            bone.add(Tube.bone(along(physis, toEnd, -0.5 * hwEnd * axial), along(physis, toEnd, bridge * axial),
                    hwEnd, hwEnd, hwEnd, endCortex, endCortex, endCortex, PHYSIS_FLATNESS * axial,
                    PHYSIS_FLATNESS * axial, depthFactor));
        }
        double[] cappedCentre = along(physis, toEnd, (physisGap + cappedHalfHeight) * axial);
        new Ellipsoid(cappedCentre[0], cappedCentre[1], ux, uy, cappedHalfWidth, cappedHalfHeight * axial, 0, 0, 1)
                .outline(footprints.get(footprintRegion), 8);
        return new BoneGeometry(proximal, distalEnd, physis, hwEnd, centre, halfWidth, halfHeight * axial);
    }

    // ---- geometry helpers ------------------------------------------------------------------------------------------

    private double[] point(double x, double y) {
        return new double[] {x * lengthScale, y * lengthScale};
    }

    /** @return the unit vector at {@code degrees} from the y axis towards +x (the thumb) */
    private static double[] direction(double degrees) {
        double r = StrictMath.toRadians(degrees);
        return new double[] {StrictMath.sin(r), StrictMath.cos(r)};
    }

    private static double[] along(double[] p, double[] dir, double distance) {
        return new double[] {p[0] + dir[0] * distance, p[1] + dir[1] * distance};
    }

    private static void addCircle(List<double[]> points, double[] centre, double radius, int count) {
        for (int k = 0; k < count; k++) {
            double a = 2 * Math.PI * k / count;
            points.add(new double[] {centre[0] + radius * StrictMath.cos(a), centre[1] + radius * StrictMath.sin(a)});
        }
    }
}
