package io.github.boneage.clinical.uncertainty;

/**
 * One labelled image's TTA result, as used to fit and to check a calibration.
 *
 * @param id           the image's id
 * @param truthMonths  its reference bone age
 * @param pointMonths  the TTA point estimate
 * @param spreadMonths the TTA spread
 */
public record CalibrationSample(String id, double truthMonths, double pointMonths, double spreadMonths) {

    /**
     * @param id the image's id
     * @param truthMonths its reference bone age
     * @param pointMonths the TTA point estimate
     * @param spreadMonths the TTA spread
     * @throws IllegalArgumentException for a non-finite number or a negative spread
     */
    public CalibrationSample {
        if (!Double.isFinite(truthMonths) || !Double.isFinite(pointMonths) || !(spreadMonths >= 0)
                || Double.isInfinite(spreadMonths)) {
            throw new IllegalArgumentException("calibration sample " + id + " has truth " + truthMonths + ", point "
                    + pointMonths + ", spread " + spreadMonths + " (finite numbers, spread >= 0, expected)");
        }
    }

    /**
     * @param id          the image's id
     * @param truthMonths its reference bone age
     * @param prediction  its TTA prediction
     * @return the sample
     */
    public static CalibrationSample of(String id, double truthMonths, TtaPrediction prediction) {
        return new CalibrationSample(id, truthMonths, prediction.pointMonths(), prediction.spreadMonths());
    }
}
