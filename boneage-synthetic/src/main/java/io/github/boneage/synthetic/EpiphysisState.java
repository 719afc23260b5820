package io.github.boneage.synthetic;

/**
 * Maturation stage of one group of epiphyses.
 *
 * @param ossified   whether the ossification centre has appeared
 * @param widthRatio epiphysis width over the adjacent metaphysis width: 0 while absent, about 0.3 when it appears,
 *                   1 when it is as wide as the metaphysis, slightly above 1 when it caps it
 * @param fusion     how far the growth plate has closed: 0 open (a dark gap), 1 fused
 */
public record EpiphysisState(boolean ossified, double widthRatio, double fusion) {

    /** The state before the centre appears. */
    public static final EpiphysisState ABSENT = new EpiphysisState(false, 0, 0);
}
