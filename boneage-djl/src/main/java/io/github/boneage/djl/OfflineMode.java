package io.github.boneage.djl;

import io.github.boneage.djl.impl.OneDnnIsa;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps DJL off the network. DJL downloads missing native libraries and models and, at engine start, reports usage
 * through the EC2 metadata address ({@code ai.djl.util.Ec2Utils.callHome}); both are skipped when DJL's offline mode
 * is on (system property {@code ai.djl.offline}, or environment variable {@code DJL_OFFLINE}) and the usage report
 * also when {@code OPT_OUT_TRACKING} is true (environment variable first, then system property). boneage ships its
 * natives as Maven artifacts and its models as bundles, so it needs neither.
 *
 * <p>{@link #enforce()} also caps libtorch's oneDNN kernels at AVX2 ({@link OneDnnIsa}),
 * which must happen before the first convolution too.
 *
 * <p>{@link DjlBoneAgeEstimator} calls {@link #enforce()} in its static initializer, before any engine starts. Code
 * that uses DJL directly (a trainer, a benchmark) calls it first.
 */
public final class OfflineMode {

    private static final Logger LOG = LoggerFactory.getLogger(OfflineMode.class);
    private static volatile boolean enforced;

    private OfflineMode() {
    }

    /**
     * Sets {@code OPT_OUT_TRACKING=true} and, unless the application set it to {@code false} itself,
     * {@code ai.djl.offline=true}, and caps oneDNN at AVX2 ({@link OneDnnIsa#apply()}).
     * Idempotent; call before any DJL engine starts.
     */
    public static synchronized void enforce() {
        if (enforced) {
            return;
        }
        System.setProperty("OPT_OUT_TRACKING", "true");
        String offline = System.getProperty("ai.djl.offline");
        if (offline == null || offline.isBlank()) {
            System.setProperty("ai.djl.offline", "true");
        } else if (!Boolean.parseBoolean(offline)) {
            LOG.warn("ai.djl.offline=false was set by the application: DJL may download native libraries");
        }
        // The environment outranks system properties in DJL's lookup, so an explicit "false" there wins.
        String envTracking = System.getenv("OPT_OUT_TRACKING");
        if (envTracking != null && !envTracking.isBlank() && !Boolean.parseBoolean(envTracking) && !isOffline()) {
            LOG.warn("environment OPT_OUT_TRACKING={} and DJL offline mode off: DJL will report usage on EC2", envTracking);
        }
        // Also before any engine starts: libtorch's oneDNN kernels capped at AVX2 (see OneDnnIsa for why).
        OneDnnIsa.apply();
        enforced = true;
    }

    /** @return whether DJL will consider itself offline, with the same precedence DJL uses */
    public static boolean isOffline() {
        String env = System.getenv("DJL_OFFLINE");
        String value = env != null ? env : System.getProperty("ai.djl.offline");
        return value != null ? Boolean.parseBoolean(value.trim().toLowerCase(Locale.ROOT)) : Boolean.getBoolean("offline");
    }
}
