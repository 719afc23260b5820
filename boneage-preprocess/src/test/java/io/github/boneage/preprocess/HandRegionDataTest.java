package io.github.boneage.preprocess;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.Roi;
import io.github.boneage.core.image.GreyImage;
import io.github.boneage.core.testing.SharedData;
import io.github.boneage.preprocess.io.ImageDecoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The hand mask on real radiographs: its box must hold every annotated joint (DIP, PIP, MCP boxes and the radius and
 * ulna) of the Koitka et al. annotations of 192 rsna-299 images.
 */
@Tag("data")
class HandRegionDataTest {

    @Test
    void holdsEveryAnnotatedJoint() throws IOException {
        Path boxes = SharedData.require("data/landmarks/koitka-train-299-boxes.csv");
        Path images = SharedData.require("data/rsna-299/images");
        Map<String, List<double[]>> byImage = new LinkedHashMap<>();
        for (String line : Files.readAllLines(boxes).subList(1, Files.readAllLines(boxes).size())) {
            String[] f = line.split(",");
            if (f[1].equals("Wrist")) {
                continue;
            }
            byImage.computeIfAbsent(f[0], k -> new ArrayList<>()).add(new double[] {
                Double.parseDouble(f[2]), Double.parseDouble(f[3]), Double.parseDouble(f[4]), Double.parseDouble(f[5])});
        }
        ImageDecoder decoder = ImageDecoder.create();
        int holding = 0;
        int jointsOutside = 0;
        int joints = 0;
        for (Map.Entry<String, List<double[]>> e : byImage.entrySet()) {
            GreyImage image = decoder.decode(images.resolve(e.getKey() + ".jpg"));
            Roi roi = HandRegion.find(image);
            boolean all = true;
            for (double[] b : e.getValue()) {
                joints++;
                double cx = (b[0] + b[2]) / 2;
                double cy = (b[1] + b[3]) / 2;
                if (cx < roi.x() || cx > roi.maxX() || cy < roi.y() || cy > roi.maxY()) {
                    all = false;
                    jointsOutside++;
                }
            }
            if (all) {
                holding++;
            }
        }
        System.out.printf("HandRegion on rsna-299: %d of %d images hold every joint centre; %d of %d joints outside%n",
                holding, byImage.size(), jointsOutside, joints);
        assertThat(byImage).hasSizeGreaterThan(100);
        assertThat((double) holding / byImage.size()).isGreaterThanOrEqualTo(0.95);
    }
}
