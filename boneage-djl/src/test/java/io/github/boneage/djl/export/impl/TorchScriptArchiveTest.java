package io.github.boneage.djl.export.impl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.boneage.djl.ModelBundle;
import io.github.boneage.djl.manifest.NetworkRole;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Writing new values into a TorchScript archive's storages, on the backbone inside the shipped trainable model. */
class TorchScriptArchiveTest {

    private static byte[] zip;

    @TempDir
    Path temp;

    @BeforeAll
    static void readBackbone() throws IOException {
        byte[] params;
        try (ModelBundle b = ModelBundle.load(Path.of("../models/default-pytorch"))) {
            params = b.readWeights(NetworkRole.AGNOSTIC);
        }
        DjlParams p = new DjlParams("default", params);
        p.blockVersion("network", 1);
        p.skipInputShapes();
        p.blockVersion("backbone", 1);
        zip = p.readSizedBlob("backbone");
    }

    private static TorchScriptArchive.Module firstConv(TorchScriptArchive archive) {
        return archive.root().children().get("features").children().get("0").children().get("0");
    }

    @Test
    void newValuesReadBackAndTheZipStaysValid() throws IOException {
        TorchScriptArchive archive = new TorchScriptArchive("backbone", zip);
        TorchScriptArchive.Module conv = firstConv(archive);
        TorchScriptArchive.TensorRef ref = (TorchScriptArchive.TensorRef) conv.attributes().get("weight");
        float[] old = conv.tensor("weight").values();
        float[] changed = new float[old.length];
        for (int i = 0; i < changed.length; i++) {
            changed[i] = old[i] * 2 + 1;
        }
        byte[] written = archive.withTensorValues(Map.of(ref, changed));
        assertThat(written).hasSameSizeAs(zip);
        TorchScriptArchive again = new TorchScriptArchive("written", written);
        assertThat(firstConv(again).tensor("weight").values()).containsExactly(changed);
        assertThat(firstConv(again).tensor("bias")).isNull();
        // Every entry's CRC-32 in the central directory still matches its bytes (the changed storage's was updated).
        Path file = temp.resolve("written.zip");
        Files.write(file, written);
        int entries = 0;
        try (ZipFile z = new ZipFile(file.toFile())) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                CRC32 crc = new CRC32();
                try (var in = z.getInputStream(e)) {
                    crc.update(in.readAllBytes());
                }
                assertThat(crc.getValue()).as(e.getName()).isEqualTo(e.getCrc());
                entries++;
            }
        }
        assertThat(entries).isGreaterThan(100);
        // Nothing but that storage changed.
        int differing = 0;
        for (int i = 0; i < zip.length; i++) {
            if (zip[i] != written[i]) {
                differing++;
            }
        }
        assertThat(differing).isBetween(1, 4 * old.length + 12);
    }

    @Test
    void wrongNumberOfValuesIsRefusedNamingTheStorage() throws IOException {
        TorchScriptArchive archive = new TorchScriptArchive("backbone", zip);
        TorchScriptArchive.TensorRef ref = (TorchScriptArchive.TensorRef) firstConv(archive).attributes().get("weight");
        assertThatThrownBy(() -> archive.withTensorValues(Map.of(ref, new float[3])))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("backbone: storage ")
                .hasMessageContaining("that the 3 new values fill");
    }
}
