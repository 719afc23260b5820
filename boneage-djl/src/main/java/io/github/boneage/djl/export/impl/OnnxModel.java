package io.github.boneage.djl.export.impl;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds an ONNX model (a {@code ModelProto}) node by node and encodes it with {@link Protobuf}. The field numbers are
 * those of the ONNX specification's {@code onnx.proto} (IR version 7, default operator set 13); only the fields this
 * exporter needs are written.
 */
public final class OnnxModel {

    /** The operator set the graphs are written for. */
    public static final int OPSET = 13;
    /** ONNX IR version 7 goes with operator set 13. */
    static final int IR_VERSION = 7;

    // TensorProto.DataType
    private static final int FLOAT = 1;
    private static final int INT64 = 7;
    // AttributeProto.AttributeType
    private static final int ATTR_FLOAT = 1;
    private static final int ATTR_INT = 2;
    private static final int ATTR_STRING = 3;
    private static final int ATTR_FLOATS = 6;
    private static final int ATTR_INTS = 7;

    private final String graphName;
    private final List<Protobuf> nodes = new ArrayList<>();
    private final List<Protobuf> initializers = new ArrayList<>();
    private final List<Protobuf> inputs = new ArrayList<>();
    private final List<Protobuf> outputs = new ArrayList<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private int counter;

    /** @param graphName the graph's name */
    public OnnxModel(String graphName) {
        this.graphName = graphName;
    }

    /**
     * Adds a float input with a symbolic batch axis {@code N}.
     *
     * @param name the input's name
     * @param dims the sizes after the batch axis
     */
    public void addInput(String name, long... dims) {
        inputs.add(valueInfo(name, dims));
    }

    /**
     * Adds a float output with a symbolic batch axis {@code N}.
     *
     * @param name the output's name (a node must produce it)
     * @param dims the sizes after the batch axis
     */
    public void addOutput(String name, long... dims) {
        outputs.add(valueInfo(name, dims));
    }

    /**
     * Adds a metadata entry ({@code metadata_props}).
     *
     * @param key   the key
     * @param value the value
     */
    public void putMetadata(String key, String value) {
        metadata.put(key, value);
    }

    /**
     * Adds a float constant (an initializer).
     *
     * @param name   its name
     * @param dims   its shape
     * @param values row-major values, as many as the shape holds
     * @return the name
     */
    public String addFloats(String name, long[] dims, float[] values) {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        if (count != values.length) {
            throw new IllegalArgumentException("initializer " + name + " has " + values.length + " values for shape "
                    + java.util.Arrays.toString(dims));
        }
        ByteBuffer raw = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        initializers.add(tensor(name, dims, FLOAT, raw.array()));
        return name;
    }

    /**
     * Adds an int64 constant.
     *
     * @param name   its name
     * @param dims   its shape
     * @param values the values
     * @return the name
     */
    public String addLongs(String name, long[] dims, long[] values) {
        ByteBuffer raw = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        raw.asLongBuffer().put(values);
        initializers.add(tensor(name, dims, INT64, raw.array()));
        return name;
    }

    /**
     * @param prefix a readable prefix
     * @return a value name not used before
     */
    public String fresh(String prefix) {
        return prefix + "_" + (counter++);
    }

    /**
     * Starts a node; {@link Node#add()} adds it to the graph.
     *
     * @param opType the operator, e.g. {@code Conv}
     * @param name   the node's name (the source layer, for readers of the graph)
     * @return the node
     */
    public Node node(String opType, String name) {
        return new Node(opType, name);
    }

    /** One node under construction. */
    public final class Node {
        private final Protobuf proto = new Protobuf();

        private Node(String opType, String name) {
            proto.string(3, name).string(4, opType);
        }

        /**
         * @param names input value names, in the operator's order ({@code ""} for an omitted optional input)
         * @return this node
         */
        public Node inputs(String... names) {
            for (String n : names) {
                proto.string(1, n);
            }
            return this;
        }

        /**
         * @param names output value names
         * @return this node
         */
        public Node outputs(String... names) {
            for (String n : names) {
                proto.string(2, n);
            }
            return this;
        }

        /**
         * @param name  the attribute
         * @param value an integer value
         * @return this node
         */
        public Node attr(String name, long value) {
            proto.message(5, new Protobuf().string(1, name).varint(20, ATTR_INT).varint(3, value));
            return this;
        }

        /**
         * @param name  the attribute
         * @param value a float value
         * @return this node
         */
        public Node attr(String name, float value) {
            proto.message(5, new Protobuf().string(1, name).varint(20, ATTR_FLOAT).float32(2, value));
            return this;
        }

        /**
         * @param name  the attribute
         * @param value a string value
         * @return this node
         */
        public Node attr(String name, String value) {
            proto.message(5, new Protobuf().string(1, name).varint(20, ATTR_STRING).string(4, value));
            return this;
        }

        /**
         * @param name   the attribute
         * @param values integer values
         * @return this node
         */
        public Node attrInts(String name, long... values) {
            Protobuf a = new Protobuf().string(1, name).varint(20, ATTR_INTS);
            for (long v : values) {
                a.varint(8, v);
            }
            proto.message(5, a);
            return this;
        }

        /**
         * @param name   the attribute
         * @param values float values
         * @return this node
         */
        public Node attrFloats(String name, float... values) {
            Protobuf a = new Protobuf().string(1, name).varint(20, ATTR_FLOATS);
            for (float v : values) {
                a.float32(7, v);
            }
            proto.message(5, a);
            return this;
        }

        /** Appends the node to the graph (nodes must be added in an order where inputs come first). */
        public void add() {
            nodes.add(proto);
        }
    }

    /**
     * Encodes the model.
     *
     * @param producer        the producer's name
     * @param producerVersion its version
     * @return the {@code .onnx} file's bytes
     */
    public byte[] toBytes(String producer, String producerVersion) {
        Protobuf graph = new Protobuf();
        nodes.forEach(n -> graph.message(1, n));
        graph.string(2, graphName);
        initializers.forEach(t -> graph.message(5, t));
        inputs.forEach(i -> graph.message(11, i));
        outputs.forEach(o -> graph.message(12, o));
        Protobuf model = new Protobuf()
                .varint(1, IR_VERSION)
                .string(2, producer)
                .string(3, producerVersion)
                .message(7, graph)
                .message(8, new Protobuf().string(1, "").varint(2, OPSET));
        metadata.forEach((k, v) -> model.message(14, new Protobuf().string(1, k).string(2, v)));
        return model.toByteArray();
    }

    private static Protobuf tensor(String name, long[] dims, int type, byte[] raw) {
        Protobuf t = new Protobuf();
        for (long d : dims) {
            t.varint(1, d);
        }
        return t.varint(2, type).string(8, name).bytes(9, raw);
    }

    private static Protobuf valueInfo(String name, long... dims) {
        Protobuf shape = new Protobuf().message(1, new Protobuf().string(2, "N"));
        for (long d : dims) {
            shape.message(1, new Protobuf().varint(1, d));
        }
        Protobuf tensorType = new Protobuf().varint(1, FLOAT).message(2, shape);
        return new Protobuf().string(1, name).message(2, new Protobuf().message(1, tensorType));
    }
}
