package io.github.boneage.synthetic;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.Finger;
import io.github.boneage.core.ReferencePoint;
import io.github.boneage.core.Sex;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyntheticDatasetCsvTest {

    private final List<SyntheticHand> hands = SyntheticHandGenerator.builder().setSeed(8).optImageSize(64, 80).build()
            .generate(3);

    @Test
    void landmarksCsvHasTheProjectHeaderAndOneRowPerHand() throws IOException {
        StringBuilder out = new StringBuilder();
        SyntheticDatasetCsv.writeLandmarks(out, hands);
        String[] lines = out.toString().split("\n");
        assertThat(lines[0]).isEqualTo("id,thumb_x,thumb_y,index_x,index_y,middle_x,middle_y,ring_x,ring_y,"
                + "little_x,little_y,radius_x,radius_y,ulna_x,ulna_y,tip_thumb_x,tip_thumb_y,tip_index_x,tip_index_y,"
                + "tip_middle_x,tip_middle_y,tip_ring_x,tip_ring_y,tip_little_x,tip_little_y");
        assertThat(lines).hasSize(4);
        for (int i = 0; i < hands.size(); i++) {
            String[] cells = lines[i + 1].split(",");
            SyntheticHand hand = hands.get(i);
            assertThat(cells).hasSize(25);
            assertThat(cells[0]).isEqualTo(Long.toString(hand.index()));
            int c = 1;
            for (ReferencePoint rp : ReferencePoint.values()) {
                assertThat(Double.parseDouble(cells[c++])).isCloseTo(hand.landmarks().point(rp).x(), within());
                assertThat(Double.parseDouble(cells[c++])).isCloseTo(hand.landmarks().point(rp).y(), within());
            }
            for (Finger f : Finger.values()) {
                assertThat(Double.parseDouble(cells[c++])).isCloseTo(hand.landmarks().fingertip(f).get().x(), within());
                assertThat(Double.parseDouble(cells[c++])).isCloseTo(hand.landmarks().fingertip(f).get().y(), within());
            }
        }
    }

    private static org.assertj.core.data.Offset<Double> within() {
        return org.assertj.core.data.Offset.offset(0.0005);
    }

    @Test
    void labelsCsvIsInRsnaForm() throws IOException {
        StringBuilder out = new StringBuilder();
        SyntheticDatasetCsv.writeLabels(out, hands);
        String[] lines = out.toString().split("\n");
        assertThat(lines[0]).isEqualTo("id,boneage,male");
        assertThat(lines).hasSize(4);
        for (int i = 0; i < hands.size(); i++) {
            SyntheticHand hand = hands.get(i);
            assertThat(lines[i + 1]).isEqualTo(hand.index() + "," + hand.ageMonths() + ","
                    + (hand.sex() == Sex.MALE ? "True" : "False"));
        }
    }
}
