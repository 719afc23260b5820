package io.github.boneage.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.BoneAgeEstimator;
import io.github.boneage.core.EnsembleEstimator;
import io.github.boneage.core.EstimationRequest;
import io.github.boneage.core.LinearCorrection;
import io.github.boneage.core.ModelInfo;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.preprocess.PreprocessSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An ensemble bundle of a whole-image and an ROI1 network: weighted mean, fallback without points, malformed files. */
class EnsembleBundleTest {

    @TempDir
    static Path work;

    private static Path ensemble;

    @BeforeAll
    static void writeBundles() throws Exception {
        ensemble = EnsembleEstimatorTest.writeEnsemble(work, work.resolve("whole-and-roi1"),
                PreprocessSpec.paper(RoiScheme.WHOLE, Fixtures.SIZE), PreprocessSpec.paper(RoiScheme.ROI1, Fixtures.SIZE));
    }

    @Test
    void theEstimateIsTheWeightedMeanOfTheMembersAndFallsBackToTheWholeImageWithoutPoints() {
        EstimationRequest withPoints = SyntheticRadiographs.request(2, Sex.FEMALE);
        EstimationRequest withoutPoints = EstimationRequest.builder().setImage(withPoints.image()).optSex(Sex.FEMALE)
                .optSourceId("no-points.png").build();
        double whole;
        double roi1;
        try (DjlBoneAgeEstimator a = DjlBoneAgeEstimator.builder().setBundle(ensemble.resolve("first")).build();
                DjlBoneAgeEstimator b = DjlBoneAgeEstimator.builder().setBundle(ensemble.resolve("second")).build()) {
            whole = a.estimate(withPoints).months();
            roi1 = b.estimate(withPoints).months();
        }
        assertThat(roi1).isNotCloseTo(whole, within(0.01));
        try (EnsembleEstimator e = EnsembleBundle.open(ensemble)) {
            assertThat(e.roiScheme()).contains(RoiScheme.WHOLE);
            assertThat(e.usesLandmarksWhenGiven()).isTrue();
            assertThat(e.members()).hasSize(2);
            BoneAgeEstimate both = e.estimate(withPoints);
            assertThat(both.months()).isCloseTo((1 * whole + 3 * roi1) / 4, within(1e-4));
            assertThat(both.roiScheme()).isEqualTo(RoiScheme.ROI1);
            assertThat(both.model().name()).isEqualTo("test-ensemble");
            BoneAgeEstimate alone = e.estimate(withoutPoints);
            assertThat(alone.months()).isCloseTo(whole, within(1e-4));
            assertThat(alone.roiScheme()).isEqualTo(RoiScheme.WHOLE);
            assertThat(alone.model().name()).isEqualTo("test-ensemble" + EnsembleEstimator.FALLBACK_SUFFIX);
            // Batched: the two kinds of request mixed, each combined from its own members.
            var outcomes = e.estimateBatch(java.util.List.of(withoutPoints, withPoints, withoutPoints));
            assertThat(outcomes.get(0).estimate().orElseThrow().months()).isCloseTo(alone.months(), within(1e-4));
            assertThat(outcomes.get(1).estimate().orElseThrow().months()).isCloseTo(both.months(), within(1e-4));
            assertThat(outcomes.get(2).estimate().orElseThrow().months()).isCloseTo(alone.months(), within(1e-4));
        }
    }

    /** The identity read from the files alone is the one the opened ensemble reports (Spark's executors check it). */
    @Test
    void itsIdentityReadsFromTheFilesAsTheOpenedEnsembleStatesIt() {
        ModelInfo read = EnsembleBundle.modelInfo(ensemble);
        try (EnsembleEstimator e = EnsembleBundle.open(ensemble)) {
            assertThat(read.name()).isEqualTo(e.model().name());
            assertThat(read.architecture()).isEqualTo(e.model().architecture());
            assertThat(read.digest()).isEqualTo(e.model().digest()).contains(",");
        }
        // The kind-independent entry points give the same for an ensemble and for one of its member bundles.
        assertThat(BoneAgeEstimators.modelInfo(ensemble)).isEqualTo(read);
        Path member = ensemble.resolve("first");
        try (BoneAgeEstimator single = BoneAgeEstimators.open(member, b -> b.optBatchSize(2))) {
            assertThat(BoneAgeEstimators.modelInfo(member).digest()).isEqualTo(single.model().digest());
        }
    }

    @Test
    void malformedDescriptionsAreRefusedNamingTheFieldAndFile() throws Exception {
        assertRefused("{\"name\": \"x\", \"members\": [{\"bundle\": \"first\", \"weight\": 1}]}", "'format'");
        assertRefused("{\"format\": \"boneage-ensemble/1\", \"members\": [{\"bundle\": \"first\", \"weight\": 1}]}", "'name'");
        assertRefused("{\"format\": \"boneage-ensemble/1\", \"name\": \"x\", \"members\": []}", "'members'");
        assertRefused("{\"format\": \"boneage-ensemble/1\", \"name\": \"x\", \"members\": [{\"bundle\": \"../first\", "
                + "\"weight\": 1}]}", "members[0].bundle");
        assertRefused("{\"format\": \"boneage-ensemble/1\", \"name\": \"x\", \"members\": [{\"bundle\": \"first\", "
                + "\"weight\": -1}]}", "members[0].weight");
        assertRefused("{\"format\": \"boneage-ensemble/1\", \"name\": \"x\", \"members\": [{\"bundle\": \"first\", "
                + "\"weight\": 1}], \"heldOutMetrics\": {\"n\": 0, \"mad\": 1, \"data\": \"d\"}}", "heldOutMetrics.n");
        assertRefused("{\"format\": ", "cannot read");
        String oneMember = "{\"format\": \"boneage-ensemble/1\", \"name\": \"x\", \"members\": [{\"bundle\": \"first\", "
                + "\"weight\": 1}], ";
        assertRefused(oneMember + "\"correction\": {}}", "'correction'");
        assertRefused(oneMember + "\"correction\": {\"unknown\": {\"intercept\": 0, \"slope\": 1}}}", "correction.unknown");
        assertRefused(oneMember + "\"correction\": {\"male\": {\"intercept\": 0}}}", "correction.male");
        assertRefused(oneMember + "\"correction\": {\"female\": {\"intercept\": 0, \"slope\": 3}}}", "correction.female: a "
                + "correction's slope");
    }

    @Test
    void aCorrectionInTheDescriptionIsAppliedToItsSex() throws Exception {
        Path folder = withFirstMember(work.resolve("corrected"), "{\"format\": \"boneage-ensemble/1\", \"name\": \"c\", "
                + "\"members\": [{\"bundle\": \"first\", \"weight\": 1}], "
                + "\"correction\": {\"female\": {\"intercept\": -2.5, \"slope\": 1.05}}}");
        EnsembleBundle.Description d = EnsembleBundle.read(folder);
        assertThat(d.corrections()).containsOnlyKeys(Sex.FEMALE);
        assertThat(d.corrections().get(Sex.FEMALE)).isEqualTo(new LinearCorrection(-2.5, 1.05));
        EstimationRequest girl = SyntheticRadiographs.request(2, Sex.FEMALE);
        EstimationRequest boy = EstimationRequest.builder().setImage(girl.image()).optSex(Sex.MALE).optLandmarks(
                girl.landmarks().orElseThrow()).optSourceId("boy.png").build();
        try (EnsembleEstimator plain = EnsembleBundle.open(ensemble);
                DjlBoneAgeEstimator member = DjlBoneAgeEstimator.builder().setBundle(folder.resolve("first")).build();
                EnsembleEstimator corrected = EnsembleBundle.open(folder)) {
            assertThat(plain.corrections()).isEmpty();
            assertThat(corrected.estimate(girl).months()).isCloseTo(-2.5 + 1.05 * member.estimate(girl).months(), within(1e-4));
            assertThat(corrected.estimate(boy).months()).isCloseTo(member.estimate(boy).months(), within(1e-4));
            // The correction is part of the identity, read from the files as the opened ensemble states it.
            assertThat(EnsembleBundle.modelInfo(folder).digest()).isEqualTo(corrected.model().digest())
                    .endsWith(";weights 1.0;correction female -2.5 1.05");
        }
    }

    @Test
    void aMissingMemberBundleIsRefusedAndTheOthersAreClosed() throws Exception {
        Path folder = withFirstMember(work.resolve("missing-member"), "{\"format\": \"boneage-ensemble/1\", \"name\": "
                + "\"x\", \"members\": [{\"bundle\": \"first\", \"weight\": 1}, {\"bundle\": \"absent\", \"weight\": 1}]}");
        assertThatThrownBy(() -> EnsembleBundle.open(folder)).isInstanceOf(ModelBundleException.class)
                .hasMessageContaining("absent");
    }

    private static void assertRefused(String json, String field) throws Exception {
        Path folder = withFirstMember(Files.createTempDirectory(work, "bad"), json);
        assertThat(EnsembleBundle.isEnsemble(folder)).isTrue();
        assertThatThrownBy(() -> EnsembleBundle.open(folder)).isInstanceOf(ModelBundleException.class)
                .hasMessageContaining(EnsembleBundle.FILE_NAME).hasMessageContaining(field);
    }

    /** @return {@code folder}, holding a copy of the shared ensemble's first member and {@code json} as its description */
    private static Path withFirstMember(Path folder, String json) throws Exception {
        Files.createDirectories(folder);
        copyFolder(ensemble.resolve("first"), folder.resolve("first"));
        Files.writeString(folder.resolve(EnsembleBundle.FILE_NAME), json);
        return folder;
    }

    private static void copyFolder(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
    }
}
