package io.github.boneage.djl.train.landmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.boneage.core.Finger;
import io.github.boneage.core.HandLandmarks;
import io.github.boneage.core.InputFormatException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Fingertips extrapolated from the Koitka joint boxes, and the split. */
class KoitkaLandmarksTest {

    @TempDir
    Path dir;

    private static final String HEADER = "id,thumb_x,thumb_y,index_x,index_y,middle_x,middle_y,ring_x,ring_y,little_x,little_y,"
            + "radius_x,radius_y,ulna_x,ulna_y\n";

    /** An upright hand: MCPs at y=100, PIPs 40 px above, DIPs 25 px above those; thumb to the left and lower. */
    private static String boxes(String id) {
        StringBuilder sb = new StringBuilder("id,label,xmin,ymin,xmax,ymax\n");
        double[] xs = {20, 50, 70, 90, 110};
        for (int f = 0; f < 5; f++) {
            double mcpY = f == 0 ? 130 : 100;
            sb.append(box(id, "MCP", xs[f], mcpY));
            sb.append(box(id, "PIP", xs[f], mcpY - 40));
            if (f > 0) {
                sb.append(box(id, "DIP", xs[f], mcpY - 65));
            }
        }
        sb.append(box(id, "Radius", 50, 200)).append(box(id, "Ulna", 100, 200)).append(box(id, "Wrist", 75, 180));
        return sb.toString();
    }

    private static String box(String id, String label, double cx, double cy) {
        return id + "," + label + "," + (cx - 5) + "," + (cy - 5) + "," + (cx + 5) + "," + (cy + 5) + "\n";
    }

    @Test
    void tipsLieBeyondTheLastJoint() throws IOException {
        Path points = dir.resolve("p.csv");
        Files.writeString(points, HEADER + "7,20,130,50,100,70,100,90,100,110,100,50,200,100,200\n");
        Path boxes = dir.resolve("b.csv");
        Files.writeString(boxes, boxes("7"));
        KoitkaLandmarks k = KoitkaLandmarks.load(points, boxes);
        HandLandmarks lm = k.landmarksWithTips("7");
        assertThat(lm.hasFingertips()).isTrue();
        // middle: DIP at y=35, PIP at y=60 -> tip 0.8 * 25 = 20 above the DIP
        assertThat(lm.fingertip(Finger.MIDDLE).orElseThrow().y()).isCloseTo(15, within(1e-9));
        assertThat(lm.fingertip(Finger.MIDDLE).orElseThrow().x()).isCloseTo(70, within(1e-9));
        // thumb: IP ("PIP") at y=90, MCP at y=130 -> tip 32 above the IP
        assertThat(lm.fingertip(Finger.THUMB).orElseThrow().y()).isCloseTo(58, within(1e-9));
        assertThat(k.tune()).containsExactly("7");
        assertThat(k.heldOut()).isEmpty();
    }

    @Test
    void malformedBoxRowNamesFileAndLine() throws IOException {
        Path points = dir.resolve("p.csv");
        Files.writeString(points, HEADER + "7,20,130,50,100,70,100,90,100,110,100,50,200,100,200\n");
        Path boxes = dir.resolve("b.csv");
        Files.writeString(boxes, "id,label,xmin,ymin,xmax,ymax\n7,PIP,1,2,3\n");
        assertThatThrownBy(() -> KoitkaLandmarks.load(points, boxes)).isInstanceOf(InputFormatException.class)
                .hasMessageContaining("b.csv").hasMessageContaining("line 2");
    }
}
