package io.github.boneage.clinical.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.boneage.core.BoneAgeEstimate;
import io.github.boneage.core.Roi;
import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HTML report is self-contained, shows the numbers, and embeds decodable pictures. */
class HtmlReportTest {

    private static final Pattern DATA_URI = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"");

    static List<BufferedImage> pictures(String html) throws IOException {
        List<BufferedImage> out = new ArrayList<>();
        Matcher m = DATA_URI.matcher(html);
        while (m.find()) {
            out.add(ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(m.group(1)))));
        }
        return out;
    }

    @Test
    void fullReportEmbedsTheRadiographAndTheGrowthChart() throws IOException {
        String html = HtmlReport.toHtml(ReportFixtures.full(true));
        assertThat(html).startsWith("<!DOCTYPE html>").contains("131.3 months").contains("+0.96")
                .contains("within normal limits").contains("118.5 to 144.0 months (90%").contains("test-model")
                .contains("Warnings").contains("occlusion sensitivity")
                .contains("15.0 x 18.6 mm");
        assertThat(html).doesNotContain("http://").doesNotContain("https://").doesNotContain("<script");
        List<BufferedImage> pictures = pictures(html);
        assertThat(pictures).hasSize(2);
        // 120x160 is enlarged to a longest side of 320, and the heatmap's colour bar panel is added at the right
        assertThat(pictures.get(0).getWidth()).isEqualTo(240 + io.github.boneage.clinical.impl.ColourScale.PANEL_WIDTH);
        assertThat(pictures.get(0).getHeight()).isEqualTo(320);
        // the heatmap's hottest cell (bottom right of its grid) is drawn red over the ROI's bottom-right corner
        int rgb = pictures.get(0).getRGB(210, 290);
        assertThat((rgb >> 16) & 0xFF).isGreaterThan(rgb & 0xFF);
        assertThat(pictures.get(1).getWidth()).isGreaterThan(300);
    }

    @Test
    void withoutSexOrAgeThereIsNoChartAndTextIsEscaped() throws IOException {
        BoneAgeEstimate estimate = new BoneAgeEstimate("<b>x</b>.png", 60, Sex.UNKNOWN, RoiScheme.WHOLE, new Roi(0, 0, 8, 8),
                ReportFixtures.model());
        String html = HtmlReport.toHtml(BoneAgeReport.builder().setEstimate(estimate).build());
        assertThat(html).contains("&lt;b&gt;x&lt;/b&gt;.png").doesNotContain("<b>x</b>").contains("not known");
        assertThat(pictures(html)).isEmpty();
    }

    @Test
    void writerWritesJsonHtmlAndFhirFiles(@TempDir Path dir) throws IOException {
        List<Path> files = ReportWriter.write(ReportFixtures.full(false), dir.resolve("reports"), "hand-001");
        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactly("hand-001.json", "hand-001.html", "hand-001.fhir.json");
        for (Path f : files) {
            assertThat(Files.size(f)).isPositive();
        }
    }

    @Test
    void theHeatmapsColourBarIsDescribed() {
        String html = HtmlReport.toHtml(ReportFixtures.full(true));
        // The fixture's heatmap holds 0..19.
        assertThat(html).contains("Colour bar at the right: blue = low relevance (0.00), through cyan, green and yellow, "
                + "to red = high relevance (19.00)");
        assertThat(HtmlReport.toHtml(ReportFixtures.full(false))).doesNotContain("Colour bar");
    }

    @Test
    void theReportPictureCarriesTheColourBar() throws java.io.IOException {
        BoneAgeReport report = ReportFixtures.full(true);
        byte[] png = RadiographPicture.png(report.image().orElseThrow(), report.estimate().roi(), null,
                report.heatmap().orElseThrow());
        java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(png));
        // 120x160 is enlarged to 240x320 (MIN_SIDE), then the panel is added.
        assertThat(img.getWidth()).isEqualTo(240 + io.github.boneage.clinical.impl.ColourScale.PANEL_WIDTH);
        java.awt.Rectangle bar = io.github.boneage.clinical.impl.ColourScale.barArea(240, 320);
        assertThat(img.getRGB(bar.x + 1, bar.y) & 0xFFFFFF).isEqualTo(io.github.boneage.clinical.impl.ColourScale.colour(1));
        assertThat(img.getRGB(bar.x + 1, bar.y + bar.height - 1) & 0xFFFFFF)
                .isEqualTo(io.github.boneage.clinical.impl.ColourScale.colour(0));
    }
}
