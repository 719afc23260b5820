package io.github.boneage.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.core.BoneAgeException;
import io.github.boneage.core.Sex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SplitTest {

    private static Sample sample(String id, double age, Sex sex) {
        return new Sample(id, age, sex, Path.of(id + ".png"), "synthetic", 0, null);
    }

    /** s000..s019: even indices female, odd male, age 10 * index. */
    private static List<Sample> twenty() {
        List<Sample> s = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            s.add(sample(String.format("s%03d", i), 10 * i, i % 2 == 0 ? Sex.FEMALE : Sex.MALE));
        }
        return s;
    }

    /** n samples per sex, ids f0000.. and m0000.., ages cycling over 0..227 months. */
    private static List<Sample> perSex(int females, int males) {
        List<Sample> s = new ArrayList<>();
        for (int i = 0; i < females; i++) {
            s.add(sample(String.format("f%04d", i), (i * 37) % 228, Sex.FEMALE));
        }
        for (int i = 0; i < males; i++) {
            s.add(sample(String.format("m%04d", i), (i * 41) % 228, Sex.MALE));
        }
        return s;
    }

    private static List<String> ids(List<Sample> samples) {
        return samples.stream().map(Sample::id).toList();
    }

    // The expected ids below were computed by an independent Python implementation of SplitMix64, the seed
    // derivation, the Fisher-Yates shuffle and the allocation; they pin the split across JVMs and releases.

    @Test
    void fractionSplitSelectsTheSameIdsEverywhere() {
        FractionSplit split = FractionSplit.builder().setValidationFraction(0.25).setSeed(42).build();
        DatasetSplit s = split.split(twenty());
        assertThat(ids(s.validation())).containsExactly("s006", "s007", "s013", "s014", "s019");
        assertThat(s.train()).hasSize(15);
    }

    @Test
    void stratifiedFractionSplitSelectsTheSameIdsEverywhere() {
        FractionSplit split = FractionSplit.builder().setValidationFraction(0.25).setSeed(42).optStratifyBySex(true).build();
        DatasetSplit s = split.split(twenty());
        // 2.5 per sex: 2 each, the fifth to the first stratum by order of equal remainders (female)
        assertThat(ids(s.validation())).containsExactly("s000", "s001", "s009", "s016", "s018");
    }

    @Test
    void perSexCountSplitSelectsTheSameIdsEverywhere() {
        DatasetSplit s = new PerSexCountSplit(3, 2, 7).split(twenty());
        assertThat(ids(s.train())).containsExactly("s007", "s012", "s014", "s015", "s016", "s017");
        assertThat(ids(s.validation())).containsExactly("s002", "s011", "s013", "s018");
    }

    @Test
    void splitDoesNotDependOnInputOrder() {
        List<Sample> shuffled = new ArrayList<>(perSex(300, 250));
        Collections.reverse(shuffled);
        FractionSplit split = FractionSplit.builder().setValidationFraction(0.2).setSeed(3).optStratifyBySex(true)
                .optAgeBinMonths(24).build();
        assertThat(split.split(shuffled).validationIds()).isEqualTo(split.split(perSex(300, 250)).validationIds());
        PerSexCountSplit paper = PerSexCountSplit.paper2020(1);
        List<Sample> big = new ArrayList<>(perSex(1500, 1450));
        DatasetSplit a = paper.split(big);
        Collections.shuffle(big, new java.util.Random(8));
        assertThat(paper.split(big).validationIds()).isEqualTo(a.validationIds());
    }

    @Test
    void fractionSplitHoldsOutExactlyTheRoundedShareAndCoversEverySample() {
        List<Sample> all = perSex(301, 250);
        DatasetSplit s = FractionSplit.builder().setValidationFraction(0.2).setSeed(11).build().split(all);
        assertThat(s.validation()).hasSize(110); // round(0.2 * 551) = 110
        assertThat(s.train()).hasSize(441);
        assertThat(Collections.disjoint(s.trainIds(), s.validationIds())).isTrue();
        Set<String> union = new java.util.TreeSet<>(s.trainIds());
        union.addAll(s.validationIds());
        assertThat(union).containsExactlyInAnyOrderElementsOf(ids(all));
    }

    @Test
    void stratificationKeepsEachSexAndAgeBinInProportion() {
        List<Sample> all = perSex(600, 400);
        DatasetSplit s = FractionSplit.builder().setValidationFraction(0.25).setSeed(5).optStratifyBySex(true)
                .optAgeBinMonths(48).build().split(all);
        assertThat(s.validation()).hasSize(250);
        assertThat(s.validation().stream().filter(x -> x.sex() == Sex.FEMALE).count()).isEqualTo(150);
        assertThat(s.validation().stream().filter(x -> x.sex() == Sex.MALE).count()).isEqualTo(100);
        for (int bin = 0; bin < 5; bin++) {
            final int b = bin;
            long inBin = all.stream().filter(x -> (int) (x.boneAgeMonths() / 48) == b && x.sex() == Sex.FEMALE).count();
            long held = s.validation().stream().filter(x -> (int) (x.boneAgeMonths() / 48) == b && x.sex() == Sex.FEMALE).count();
            assertThat((double) held).as("female bin " + bin).isBetween(Math.floor(0.25 * inBin), Math.ceil(0.25 * inBin));
        }
    }

    @Test
    void differentSeedsGiveDifferentSplits() {
        List<Sample> all = perSex(200, 200);
        Set<String> a = FractionSplit.builder().setValidationFraction(0.3).setSeed(1).build().split(all).validationIds();
        Set<String> b = FractionSplit.builder().setValidationFraction(0.3).setSeed(2).build().split(all).validationIds();
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void paperSplitDraws1000TrainAnd400TestImagesPerSex() {
        DatasetSplit s = PerSexCountSplit.paper2020(2020).split(perSex(1500, 1401));
        assertThat(s.train()).hasSize(2000);
        assertThat(s.validation()).hasSize(800);
        for (Sex sex : new Sex[] {Sex.MALE, Sex.FEMALE}) {
            DatasetSplit one = s.ofSex(sex);
            assertThat(one.train()).hasSize(1000).allMatch(x -> x.sex() == sex);
            assertThat(one.validation()).hasSize(400).allMatch(x -> x.sex() == sex);
            assertThat(one.manifestFields()).containsEntry("split.sex", sex.label());
        }
        assertThat(s.strategy()).isEqualTo("paper2020 per-sex counts train=1000 validation=400 per sex seed=2020");
    }

    @Test
    void paperSplitRefusesTooFewImagesOfASex() {
        assertThatThrownBy(() -> PerSexCountSplit.paper2020(1).split(perSex(1500, 1399)))
                .isInstanceOf(BoneAgeException.class)
                .hasMessageContaining("needs 1400 male samples (1000 train + 400 validation), but only 1399 are available");
    }

    @Test
    void descriptionAndManifestRecordTheSplit() {
        FractionSplit strategy = FractionSplit.builder().setValidationFraction(0.2).setSeed(42).optStratifyBySex(true)
                .optAgeBinMonths(24).build();
        DatasetSplit s = strategy.split(perSex(50, 50));
        assertThat(strategy.description())
                .isEqualTo("fraction validation=0.2 seed=42 stratified by sex and 24.0-month bone-age bins");
        assertThat(s.description()).startsWith(strategy.description() + "; train 80, validation 20 (ids sha256 ")
                .contains(s.validationIdsSha256().substring(0, 12));
        assertThat(s.manifestFields())
                .containsEntry("split.strategy", "fraction")
                .containsEntry("split.seed", "42")
                .containsEntry("split.validationFraction", "0.2")
                .containsEntry("split.stratifyBySex", "true")
                .containsEntry("split.ageBinMonths", "24.0")
                .containsEntry("split.trainSize", "80")
                .containsEntry("split.validationSize", "20")
                .containsEntry("split.validationIdsSha256", s.validationIdsSha256())
                .containsKey("split.trainIdsSha256");
        assertThat(FractionSplit.builder().setValidationFraction(0.1).setSeed(1).build().description())
                .isEqualTo("fraction validation=0.1 seed=1");
    }

    @Test
    void validationIdsFileIsSortedAndMatchesTheDigest(@TempDir Path dir) throws IOException, NoSuchAlgorithmException {
        DatasetSplit s = FractionSplit.builder().setValidationFraction(0.25).setSeed(42).build().split(twenty());
        Path file = dir.resolve("validation-ids.txt");
        s.writeValidationIds(file);
        assertThat(Files.readString(file)).isEqualTo("s006\ns007\ns013\ns014\ns019\n");
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        assertThat(HexFormat.of().formatHex(digest)).isEqualTo(s.validationIdsSha256());
        assertThat(DatasetSplit.readIds(file)).containsExactly("s006", "s007", "s013", "s014", "s019");
        Path train = dir.resolve("train-ids.txt");
        s.writeTrainIds(train);
        assertThat(DatasetSplit.readIds(train)).hasSize(15).isEqualTo(s.trainIds());
    }

    @Test
    void readIdsSkipsCommentsAndRefusesRepeats(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ids.txt");
        Files.writeString(file, "# held out\n b \n\na\n", StandardCharsets.UTF_8);
        assertThat(DatasetSplit.readIds(file)).containsExactly("a", "b");
        Files.writeString(file, "a\nb\na\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> DatasetSplit.readIds(file)).hasMessageContaining("line 3").hasMessageContaining("id a");
    }

    @Test
    void checkHeldOutRefusesTrainingImages() {
        DatasetSplit s = FractionSplit.builder().setValidationFraction(0.25).setSeed(42).build().split(twenty());
        DatasetSplit.checkHeldOut(List.of("s006", "s019"), s.validationIds(), "validation-ids.txt");
        assertThatThrownBy(() -> DatasetSplit.checkHeldOut(List.of("s006", "s000", "s001"), s.validationIds(), "v.txt"))
                .isInstanceOf(BoneAgeException.class)
                .hasMessageContaining("2 evaluated images are not in the validation ids of v.txt")
                .hasMessageContaining("s000, s001");
    }

    @Test
    void aRecordedSplitCanBeRebuilt() {
        List<Sample> all = twenty();
        DatasetSplit original = new PerSexCountSplit(3, 2, 7).split(all);
        DatasetSplit rebuilt = DatasetSplit.fromValidationIds(all, original.validationIds(), original.strategy());
        assertThat(rebuilt.validationIds()).isEqualTo(original.validationIds());
        assertThat(rebuilt.validationIdsSha256()).isEqualTo(original.validationIdsSha256());
        // the samples not drawn by the per-sex split are training samples of the rebuilt one
        assertThat(rebuilt.train()).hasSize(16);
        assertThatThrownBy(() -> DatasetSplit.fromValidationIds(all, Set.of("s000", "zzz"), "x"))
                .isInstanceOf(BoneAgeException.class).hasMessageContaining("zzz");
    }

    @Test
    void aSplitRefusesOverlapAndRepeatedIds() {
        Sample a = sample("a", 1, Sex.MALE);
        assertThatThrownBy(() -> new DatasetSplit(List.of(a), List.of(a), "x", java.util.Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sample a");
        assertThatThrownBy(() -> FractionSplit.builder().setValidationFraction(0.5).setSeed(1).build()
                .split(List.of(a, sample("a", 2, Sex.FEMALE))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id a");
    }

    @Test
    void builderRefusesBadSettings() {
        assertThatThrownBy(() -> FractionSplit.builder().setValidationFraction(1.0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FractionSplit.builder().setValidationFraction(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> FractionSplit.builder().setValidationFraction(0.2).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("seed");
        assertThatThrownBy(() -> FractionSplit.builder().setSeed(1).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("fraction");
        assertThatThrownBy(() -> FractionSplit.builder().optAgeBinMonths(-1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PerSexCountSplit(0, 5, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
