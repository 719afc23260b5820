/** The ONNX exporter's internals: protobuf wire format, DJL parameter and TorchScript readers, graph writer. */
package io.github.boneage.djl.export.impl;
