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
            throw new ModelBundleException(bundleName, "engine " + engineName + " is not on the classpath (add "
                    + artifactOf(engineName) + "); engines present: " + Engine.getAllEngines());
        }
        try {
            return Engine.getEngine(engineName);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new ModelBundleException(bundleName, "engine " + engineName + " failed to start: " + e.getMessage(), e);
        }
    }

    private static String artifactOf(String engineName) {
        switch (engineName) {
            case "OnnxRuntime":
                return "ai.djl.onnxruntime:onnxruntime-engine";
            case "PyTorch":
                return "ai.djl.pytorch:pytorch-engine with pytorch-jni and a pytorch-native artifact";
            default:
                return "the DJL engine artifact that provides " + engineName;
        }
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
