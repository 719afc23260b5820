package io.github.boneage.djl.impl;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.StandardCapabilities;
import io.github.boneage.djl.DeviceUnavailableException;
import io.github.boneage.djl.ModelBundleException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Engine presence and device checks, so that a missing engine or GPU is a clear error instead of an engine trace. */
public final class Engines {

    private static final Logger LOG = LoggerFactory.getLogger(Engines.class);

    private Engines() {
    }

    /**
     * @param bundleName the bundle, for messages
     * @param engineName the DJL engine name, e.g. {@code OnnxRuntime}
     * @return the started engine
     * @throws ModelBundleException when the engine is not on the classpath or fails to start
     */
    public static Engine require(String bundleName, String engineName) {
        if (!Engine.hasEngine(engineName)) {
            throw new ModelBundleException(bundleName, "engine " + engineName + " is not on the classpath: add "
                    + dependenciesFor(engineName) + "; engines present: " + Engine.getAllEngines());
        }
        try {
            Engine engine = Engine.getEngine(engineName);
            if ("PyTorch".equals(engineName)) {
                // Quiet by default: no NNPACK warning per convolution on CPUs where it cannot start (TorchLogLevel).
                TorchLogLevel.apply();
            }
            return engine;
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            // Offline (OfflineMode), DJL cannot download a missing native library, so a missing native jar ends here.
            throw new ModelBundleException(bundleName, "engine " + engineName + " failed to start: " + e.getMessage()
                    + " (it needs " + dependenciesFor(engineName) + "; nothing is downloaded at run time)", e);
        }
    }

    /**
     * The Maven dependencies that provide an engine with its native library on this platform, for messages. Versions
     * come from {@code io.github.boneage:boneage-bom}, which imports DJL's BOM.
     *
     * @param engineName the DJL engine name, e.g. {@code PyTorch}
     * @return e.g. {@code ai.djl.pytorch:pytorch-engine, ai.djl.pytorch:pytorch-jni and
     *         ai.djl.pytorch:pytorch-native-cpu with <classifier>linux-x86_64</classifier> ...}
     */
    public static String dependenciesFor(String engineName) {
        String versions = " (versions from io.github.boneage:boneage-bom; see docs/engines.md)";
        switch (engineName) {
            case "OnnxRuntime":
                return "ai.djl.onnxruntime:onnxruntime-engine, which brings com.microsoft.onnxruntime:onnxruntime "
                        + "(all platforms in one jar)" + versions;
            case "PyTorch":
                String classifier = platformClassifier();
                return "ai.djl.pytorch:pytorch-engine, ai.djl.pytorch:pytorch-jni and ai.djl.pytorch:pytorch-native-cpu "
                        + (classifier != null ? "with <classifier>" + classifier + "</classifier>"
                                : "with the classifier of this platform (" + System.getProperty("os.name") + " "
                                        + System.getProperty("os.arch") + " has none; published: linux-x86_64, "
                                        + "linux-aarch64, osx-aarch64, win-x86_64)")
                        + versions;
            default:
                return "the DJL engine artifact that provides " + engineName + " and its native library";
        }
    }

    /** @return DJL's native-jar classifier for this JVM's platform, or {@code null} where DJL publishes none */
    static String platformClassifier() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(java.util.Locale.ROOT);
        boolean x64 = arch.equals("amd64") || arch.equals("x86_64");
        boolean arm64 = arch.equals("aarch64") || arch.equals("arm64");
        if (os.startsWith("linux")) {
            return x64 ? "linux-x86_64" : arm64 ? "linux-aarch64" : null;
        }
        if (os.startsWith("mac")) {
            return arm64 ? "osx-aarch64" : null;
        }
        if (os.startsWith("windows")) {
            return x64 ? "win-x86_64" : null;
        }
        return null;
    }

    /**
     * Decides the device to run on.
     *
     * @param engine      the started engine
     * @param requested   the device asked for
     * @param cpuFallback whether an unusable GPU falls back to the CPU (logged) instead of failing
     * @return {@code requested}, or the CPU when it is an unusable GPU and the fallback is allowed
     * @throws DeviceUnavailableException when a GPU is asked for, unusable, and no fallback is allowed
     */
    public static Device resolveDevice(Engine engine, Device requested, boolean cpuFallback) {
        if (!requested.isGpu()) {
            return requested;
        }
        String problem = gpuProblem(engine, requested.getDeviceId());
        if (problem == null) {
            return requested;
        }
        if (cpuFallback) {
            LOG.warn("{} was asked for but {}; running on the CPU as allowed", requested, problem);
            return Device.cpu();
        }
        throw new DeviceUnavailableException(requested + " was asked for but " + problem
                + " (see docs/gpu.md; or allow a CPU fallback with optCpuFallback(true))");
    }

    private static String gpuProblem(Engine engine, int deviceId) {
        String name = engine.getEngineName();
        if (!engine.hasCapability(StandardCapabilities.CUDA)) {
            return "engine " + name + " " + engine.getVersion() + " has no CUDA support on the classpath ("
                    + ("OnnxRuntime".equals(name) ? "use com.microsoft.onnxruntime:onnxruntime_gpu"
                            : "use a CUDA build of libtorch") + ")";
        }
        int count = engine.getGpuCount();
        if (count <= deviceId) {
            return "engine " + name + " sees " + count + " CUDA device(s)";
        }
        return null;
    }
}
