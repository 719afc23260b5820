package io.github.boneage.djl.impl;

import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies libtorch's C++ log level ({@code TORCH_CPP_LOG_LEVEL}) in a JVM, defaulting to {@code ERROR}.
 *
 * <p>Why: on CPUs where NNPACK cannot start (some virtual machines and containers report "unsupported hardware" even
 * with AVX2), libtorch 2.7.1 prints {@code Could not initialize NNPACK! Reason: Unsupported hardware.} to stderr for
 * every convolution that could use it: 32 lines per default-model estimate, measured. PyTorch's own switch for its
 * C++ warnings is the environment variable {@code TORCH_CPP_LOG_LEVEL}, but libtorch reads it only when
 * {@code c10::initLogging()} runs, which Python's {@code import torch} calls and DJL's JNI does not. So this class does
 * what that call does: it sets libc10's exported {@code FLAGS_caffe2_log_level} (0 INFO, 1 WARNING, 2 ERROR,
 * 3 FATAL) through JNA, which DJL already depends on, after the PyTorch engine has loaded libc10.
 *
 * <p>The level is, in order: the system property {@value #PROPERTY}, the environment variable {@value #VARIABLE},
 * else {@code ERROR}. {@code TORCH_CPP_LOG_LEVEL=WARNING} brings libtorch's warnings back. Best effort: where libc10
 * cannot be found (an unusual platform) nothing changes and the reason is logged at debug level.
 */
public final class TorchLogLevel {

    /** System property naming the level; wins over the environment variable. */
    public static final String PROPERTY = "boneage.torchCppLogLevel";
    /** Environment variable naming the level, as in PyTorch. */
    public static final String VARIABLE = "TORCH_CPP_LOG_LEVEL";

    private static final Logger LOG = LoggerFactory.getLogger(TorchLogLevel.class);
    private static final String FLAG = "FLAGS_caffe2_log_level";
    private static volatile boolean applied;

    private TorchLogLevel() {
    }

    /**
     * Sets libtorch's log level once per JVM; call after the PyTorch engine has started. Never throws.
     *
     * @return the level set (0-3), or -1 when it could not be set
     */
    public static synchronized int apply() {
        if (applied) {
            return level();
        }
        applied = true;
        int level = level();
        try {
            NativeLibrary c10 = c10();
            Pointer flag = c10.getGlobalVariableAddress(FLAG);
            int before = flag.getInt(0);
            flag.setInt(0, level);
            LOG.debug("libtorch C++ log level {} -> {} ({})", before, level, c10.getFile());
            return level;
        } catch (RuntimeException | LinkageError e) {
            LOG.debug("cannot set libtorch's C++ log level ({} stays as libtorch set it): {}", VARIABLE, e.toString());
            return -1;
        }
    }

    /** @return the level asked for: 0 INFO, 1 WARNING, 2 ERROR (the default), 3 FATAL */
    static int level() {
        String source = System.getProperty(PROPERTY) != null ? PROPERTY : VARIABLE;
        String value = System.getProperty(PROPERTY, System.getenv(VARIABLE));
        if (value == null || value.isBlank()) {
            return 2;
        }
        switch (value.trim().toUpperCase(Locale.ROOT)) {
            case "0":
            case "INFO":
                return 0;
            case "1":
            case "WARNING":
                return 1;
            case "2":
            case "ERROR":
                return 2;
            case "3":
            case "FATAL":
                return 3;
            default:
                LOG.warn("{}={} is not INFO, WARNING, ERROR or FATAL (or 0-3); using ERROR", source, value);
                return 2;
        }
    }

    /**
     * The libc10 the engine loaded. DJL loads it by absolute path without making its symbols global, so on Linux the
     * path is read from {@code /proc/self/maps}; elsewhere the loader is asked for the already loaded library by name.
     */
    private static NativeLibrary c10() {
        Path maps = Path.of("/proc/self/maps");
        if (Files.isReadable(maps)) {
            try {
                List<String> lines = Files.readAllLines(maps);
                for (String line : lines) {
                    int slash = line.indexOf('/');
                    if (slash >= 0 && line.endsWith("/libc10.so")) {
                        return NativeLibrary.getInstance(line.substring(slash));
                    }
                }
            } catch (IOException e) {
                LOG.debug("cannot read {}: {}", maps, e.toString());
            }
        }
        return NativeLibrary.getInstance("c10");
    }
}
