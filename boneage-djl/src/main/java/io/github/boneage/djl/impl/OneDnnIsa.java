package io.github.boneage.djl.impl;

import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds libtorch's oneDNN to AVX2 kernels, by default, before the PyTorch engine runs its first convolution.
 *
 * <p>Why: on our 2-core AMD EPYC development machine (AVX-512 with VNNI and bfloat16), libtorch 2.7.1's oneDNN 3.7.1
 * AVX-512 convolutions, on two threads, now and then wrote a whole output channel of NaN, and went on doing so for a
 * few calls: 10 of 600 learned-landmark detections in a row were refused as "not finite", and
 * {@code PyTorchKernelStressTest} failed 3 of 3 runs. With {@code ONEDNN_MAX_CPU_ISA=AVX2}: none in 600 detections,
 * and the stress test passed 3 of 3; with one thread, none either. The same networks on ONNX Runtime never did. A
 * channel of NaN is caught, but the same fault writing stale finite values would not be, so the kernels that showed
 * it are not used, at a cost: the trainer benchmark ran at 0.90x its uncapped speed (median of six rounds;
 * docs/engines.md#onednn-pytorch-on-cpu).
 *
 * <p>oneDNN reads {@value #VARIABLE} from the process environment once, when it creates its first kernel, so this
 * class sets it in the native environment (POSIX {@code setenv} through JNA, which DJL already depends on) from
 * {@link io.github.boneage.djl.OfflineMode#enforce()}, which every entry point calls before an engine starts. Where the
 * application runs libtorch convolutions before that, oneDNN has read its environment already and this has no effect.
 *
 * <p>Which value: the environment's own {@value #VARIABLE} when set (the user's choice, left alone); else the system
 * property {@value #PROPERTY} (one of oneDNN's names, e.g. {@code AVX512_CORE}; an unknown one is logged as a warning
 * and {@value #DEFAULT_ISA} kept); else {@value #DEFAULT_ISA}. {@code -Dboneage.onednnMaxCpuIsa=ALL} leaves oneDNN to
 * pick the best kernels of the CPU. Best effort: on Windows, or where libc cannot be called, nothing changes and the reason
 * is logged at debug level.
 */
public final class OneDnnIsa {

    /** oneDNN's environment variable capping the instruction set of its kernels. */
    public static final String VARIABLE = "ONEDNN_MAX_CPU_ISA";
    /** System property with the value to set when the environment has none; {@code ALL} sets nothing. */
    public static final String PROPERTY = "boneage.onednnMaxCpuIsa";
    /** The cap set by default. */
    public static final String DEFAULT_ISA = "AVX2";

    /** The values oneDNN 3.7 accepts for {@value #VARIABLE}, from the oldest instruction set to the newest. */
    static final List<String> KNOWN = List.of("SSE41", "AVX", "AVX2", "AVX2_VNNI", "AVX2_VNNI_2", "AVX512_CORE",
            "AVX512_CORE_VNNI", "AVX512_CORE_BF16", "AVX10_1_512", "AVX512_CORE_FP16", "AVX10_1_512_AMX",
            "AVX512_CORE_AMX", "AVX10_1_512_AMX_FP16", "AVX512_CORE_AMX_FP16", "DEFAULT", "ALL");

    private static final Logger LOG = LoggerFactory.getLogger(OneDnnIsa.class);
    private static String applied;

    private OneDnnIsa() {
    }

    /**
     * Sets {@value #VARIABLE} in the native environment once per JVM, unless the environment has it already or the
     * property says {@code ALL}. Never throws.
     *
     * @return the value oneDNN will read (the environment's own, or the one set), or empty when none is set
     */
    public static synchronized String apply() {
        if (applied != null) {
            return applied;
        }
        applied = "";
        String own = System.getenv(VARIABLE);
        String wanted = wanted(own, System.getProperty(PROPERTY));
        if (wanted.isEmpty()) {
            // Either the environment has its own value (left alone: it is what oneDNN reads) or every kernel is asked for.
            if (own != null && !own.isBlank()) {
                LOG.debug("{}={} from the environment, left as it is", VARIABLE, own);
                applied = own;
            }
            return applied;
        }
        if (Platform.isWindows()) {
            LOG.debug("{} not set: this JVM runs on Windows, where the C runtime's environment is not reached", VARIABLE);
            return applied;
        }
        try {
            Function setenv = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("setenv");
            if (setenv.invokeInt(new Object[] {VARIABLE, wanted, 0}) == 0) {
                applied = wanted;
                LOG.debug("{}={} set for libtorch's oneDNN", VARIABLE, wanted);
            } else {
                LOG.debug("setenv({}, {}) failed", VARIABLE, wanted);
            }
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("cannot set {} ({}): {}", VARIABLE, wanted, e.toString());
        }
        return applied;
    }

    /**
     * For a trained model's provenance: the kernels its training ran on can change its weights in the last bits.
     *
     * @return the cap oneDNN reads (e.g. {@code AVX2}), or {@code none} when it picks every kernel of the CPU
     */
    public static String describe() {
        String value = apply();
        return value.isEmpty() ? "none" : value;
    }

    /**
     * @param environment the environment's own {@value #VARIABLE}, or null
     * @param property    the system property {@value #PROPERTY}, or null
     * @return the value to set: empty when the environment has one already or the property asks for every kernel
     *         ({@code ALL}, {@code DEFAULT}); {@value #DEFAULT_ISA} when the property is absent, or is not one of
     *         oneDNN's names (oneDNN would ignore it and use every kernel; logged as a warning)
     */
    static String wanted(String environment, String property) {
        if (environment != null && !environment.isBlank()) {
            return "";
        }
        String wanted = property == null ? DEFAULT_ISA : property.trim().toUpperCase(Locale.ROOT);
        if (!KNOWN.contains(wanted)) {
            LOG.warn("{}={} is not one of oneDNN's {}; using {}", PROPERTY, property, KNOWN, DEFAULT_ISA);
            return DEFAULT_ISA;
        }
        return wanted.equals("ALL") || wanted.equals("DEFAULT") ? "" : wanted;
    }

    /** @return the variable's value in the native environment (what oneDNN reads), or null when unset or unreadable */
    static String nativeValue() {
        try {
            Function getenv = NativeLibrary.getInstance(Platform.C_LIBRARY_NAME).getFunction("getenv");
            Pointer p = (Pointer) getenv.invoke(Pointer.class, new Object[] {VARIABLE});
            return p == null ? null : p.getString(0);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
