package io.github.boneage.djl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.github.boneage.core.Sex;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketPermission;
import java.net.URL;
import java.nio.file.Path;
import java.security.Permission;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that starting the engines and estimating make no network attempt: a security manager refuses and records
 * every socket connect, resolve, listen and accept. It runs in its own JVM (surefire execution {@code airgap},
 * {@code -Djava.security.manager=allow}, without the {@code OPT_OUT_TRACKING} and {@code ai.djl.offline} settings the
 * other tests get), so the engines start under the guard and only {@link OfflineMode} keeps DJL quiet. The last two
 * tests show the guard does catch a plain socket and DJL's own usage report once offline mode is lifted.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AirGapTest {

    @TempDir
    static Path work;
    private static NetworkGuard guard;

    /** Refuses and records every socket operation; allows everything else. */
    static final class NetworkGuard extends SecurityManager {
        final List<String> attempts = new CopyOnWriteArrayList<>();

        @Override
        public void checkPermission(Permission perm) {
            if (perm instanceof SocketPermission) {
                String where = Arrays.stream(new Throwable().getStackTrace()).skip(1).limit(12).map(String::valueOf)
                        .collect(Collectors.joining("\n    "));
                attempts.add(perm.getName() + " [" + perm.getActions() + "]\n    " + where);
                throw new SecurityException("air-gapped test: refused " + perm);
            }
        }

        @Override
        public void checkPermission(Permission perm, Object context) {
            checkPermission(perm);
        }
    }

    @BeforeAll
    @SuppressWarnings("removal")
    static void installGuard() {
        assumeTrue(Boolean.getBoolean("boneage.airgap.fork"),
                "runs only in its own JVM, in the 'airgap' surefire execution of boneage-djl");
        assertThat(System.getenv("OPT_OUT_TRACKING")).as("the airgap execution clears OPT_OUT_TRACKING").isNull();
        assertThat(System.getProperty("ai.djl.offline")).as("the airgap execution does not set ai.djl.offline").isNull();
        guard = new NetworkGuard();
        System.setSecurityManager(guard);
    }

    @AfterAll
    @SuppressWarnings("removal")
    static void removeGuard() {
        if (guard != null) {
            System.setSecurityManager(null);
        }
    }

    @Test
    @Order(1)
    void enginesStartAndEstimateWithoutNetwork() {
        for (String extension : List.of("onnx", "pt")) {
            Path bundle = Fixtures.perSex(work, extension, true).setPreprocessing(DjlBoneAgeEstimatorOnnxTest.paperSpec())
                    .build().writeZip(work.resolve("airgap-" + extension + ".zip"));
            try (DjlBoneAgeEstimator estimator = DjlBoneAgeEstimator.builder().setBundle(bundle).build()) {
                assertThat(estimator.estimate(SyntheticRadiographs.request(1, Sex.FEMALE)).months()).isFinite();
                assertThat(estimator.estimateBatch(DjlBoneAgeEstimatorOnnxTest.requests())).allMatch(o -> o.isSuccess());
            }
        }
        assertThat(System.getProperty("OPT_OUT_TRACKING")).isEqualTo("true");
        assertThat(guard.attempts).as("network attempts").isEmpty();
    }

    @Test
    @Order(2)
    void guardCatchesADeliberateConnection() {
        int before = guard.attempts.size();
        assertThatThrownBy(() -> {
            try (Socket s = new Socket("127.0.0.1", 9)) {
                s.getOutputStream().write(1);
            }
        }).isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> new URL("http://169.254.169.254/latest/meta-data/").openConnection().connect())
                .isInstanceOf(SecurityException.class);
        assertThatThrownBy(() -> InetAddress.getByName("djl.ai")).isInstanceOf(SecurityException.class);
        assertThat(guard.attempts.size()).isEqualTo(before + 3);
        guard.attempts.subList(before, guard.attempts.size()).clear();
    }

    @Test
    @Order(3)
    void guardCatchesDjlsUsageReportWhenOfflineModeIsLifted() throws IOException {
        String offline = System.clearProperty("ai.djl.offline");
        String optOut = System.clearProperty("OPT_OUT_TRACKING");
        try {
            ai.djl.util.Ec2Utils.callHome("PyTorch");
        } catch (SecurityException expected) {
            // DJL may let the refusal through; what matters is that it was attempted and caught.
        } finally {
            System.setProperty("ai.djl.offline", offline);
            System.setProperty("OPT_OUT_TRACKING", optOut);
        }
        assertThat(guard.attempts).as("DJL's usage report reaches for the EC2 metadata address")
                .anyMatch(a -> a.startsWith("169.254.169.254"));
        guard.attempts.clear();
    }
}
