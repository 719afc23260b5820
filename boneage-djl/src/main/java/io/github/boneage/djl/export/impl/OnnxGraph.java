package io.github.boneage.djl.export.impl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the graph of an ONNX model file without an engine: its float initializers, its inputs, and its nodes (operator,
 * inputs, outputs, attributes). It reads the protobuf wire format directly, as {@link OnnxModel} writes it, because the
 * importer needs only these few fields and the project has no protobuf dependency; anything it cannot read (external
 * tensor data, a broken length) fails naming the file and byte offset.
 */
public final class OnnxGraph {

    /** ONNX {@code TensorProto.DataType.FLOAT}. */
    private static final int FLOAT = 1;

    /**
     * One node: its operator, value names, each attribute in a canonical text form (its fields sorted by number, packed
     * numbers unpacked, so that two encoders' bytes of the same attribute compare equal), and its tensor attributes.
     */
    public record Node(String opType, String name, List<String> inputs, List<String> outputs, Map<String, String> attributes,
            Map<String, DjlParams.Tensor> tensorAttributes) {
    }

    private final String source;
    private final Map<String, DjlParams.Tensor> floats = new LinkedHashMap<>();
    private final List<String> otherInitializers = new ArrayList<>();
    private final List<String> inputs = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();

    /**
     * @param source a name for messages (the file)
     * @param model  the {@code .onnx} file's bytes
     * @throws IOException naming the source and byte offset when the file is not an ONNX model this reader can read
     */
    public OnnxGraph(String source, byte[] model) throws IOException {
        this.source = source;
        Reader m = new Reader(ByteBuffer.wrap(model), 0, model.length);
        boolean graphSeen = false;
        while (m.more()) {
            int key = m.key();
            if (key >>> 3 == 7 && (key & 7) == 2) {
                readGraph(m.message());
                graphSeen = true;
            } else {
                m.skip(key);
            }
        }
        if (!graphSeen) {
            throw new IOException(source + ": no graph (not an ONNX model file)");
        }
    }

    /** @return the float initializers by name, in file order */
    public Map<String, DjlParams.Tensor> floatInitializers() {
        return floats;
    }

    /** @return the names of initializers that are not float tensors (shape constants, for example) */
    public List<String> otherInitializers() {
        return otherInitializers;
    }

    /** @return the graph's input names, in order */
    public List<String> inputs() {
        return inputs;
    }

    /** @return the nodes, in order */
    public List<Node> nodes() {
        return nodes;
    }

    private void readGraph(Reader g) throws IOException {
        while (g.more()) {
            int key = g.key();
            int field = key >>> 3;
            if ((key & 7) != 2) {
                g.skip(key);
            } else if (field == 1) {
                nodes.add(readNode(g.message()));
            } else if (field == 5) {
                readInitializer(g.message());
            } else if (field == 11) {
                Reader v = g.message();
                String name = null;
                while (v.more()) {
                    int k = v.key();
                    if (k == (1 << 3 | 2)) {
                        name = v.string();
                    } else {
                        v.skip(k);
                    }
                }
                inputs.add(name);
            } else {
                g.skip(key);
            }
        }
    }

    private Node readNode(Reader n) throws IOException {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        String name = "";
        String op = null;
        Map<String, String> attributes = new LinkedHashMap<>();
        Map<String, DjlParams.Tensor> tensors = new LinkedHashMap<>();
        while (n.more()) {
            int key = n.key();
            int field = key >>> 3;
            if ((key & 7) != 2) {
                n.skip(key);
                continue;
            }
            switch (field) {
                case 1 -> in.add(n.string());
                case 2 -> out.add(n.string());
                case 3 -> name = n.string();
                case 4 -> op = n.string();
                case 5 -> {
                    Reader a = n.message();
                    String encoded = canonical(a.copy());
                    String attributeName = null;
                    DjlParams.Tensor tensor = null;
                    while (a.more()) {
                        int k = a.key();
                        if (k == (1 << 3 | 2)) {
                            attributeName = a.string();
                        } else if (k == (5 << 3 | 2)) {
                            tensor = readTensor(a.message(), "attribute of node " + name).floats();
                        } else {
                            a.skip(k);
                        }
                    }
                    attributes.put(attributeName, encoded);
                    if (tensor != null) {
                        tensors.put(attributeName, tensor);
                    }
                }
                default -> n.skip(key);
            }
        }
        if (op == null) {
            throw new IOException(source + ": node " + name + " has no operator type");
        }
        return new Node(op, name, List.copyOf(in), List.copyOf(out), attributes, tensors);
    }

    private String canonical(Reader a) throws IOException {
        List<String> fields = new ArrayList<>();
        while (a.more()) {
            int key = a.key();
            int field = key >>> 3;
            switch (key & 7) {
                case 0 -> fields.add(String.format("%05d v%d", field, a.varint()));
                case 5 -> fields.add(String.format("%05d f%08x", field, Float.floatToRawIntBits(a.fixedFloat())));
                case 2 -> {
                    // AttributeProto's repeated numbers (ints 8, floats 7) may be packed by one encoder and not another.
                    if (field == 8) {
                        Reader packed = a.message();
                        while (packed.more()) {
                            fields.add(String.format("%05d v%d", field, packed.varint()));
                        }
                    } else if (field == 7) {
                        Reader packed = a.message();
                        while (packed.more()) {
                            fields.add(String.format("%05d f%08x", field, Float.floatToRawIntBits(packed.fixedFloat())));
                        }
                    } else {
                        fields.add(String.format("%05d b%s", field, java.util.HexFormat.of().formatHex(a.bytes())));
                    }
                }
                default -> a.skip(key);
            }
        }
        // Stable: repeated values keep their order within a field.
        fields.sort(java.util.Comparator.comparing(f -> f.substring(0, 5)));
        return String.join(";", fields);
    }

    private void readInitializer(Reader t) throws IOException {
        Decoded tensor = readTensor(t, "initializer");
        if (tensor.floats() == null) {
            otherInitializers.add(tensor.name());
        } else {
            floats.put(tensor.name(), tensor.floats());
        }
    }

    /** A tensor's name and, when it holds floats, its values. */
    private record Decoded(String name, DjlParams.Tensor floats) {
    }

    private Decoded readTensor(Reader t, String what) throws IOException {
        List<Long> dims = new ArrayList<>();
        int type = 0;
        String name = "";
        byte[] raw = null;
        List<Float> floatData = new ArrayList<>();
        while (t.more()) {
            int key = t.key();
            int field = key >>> 3;
            int wire = key & 7;
            if (field == 1 && wire == 0) {
                dims.add(t.varint());
            } else if (field == 1 && wire == 2) {
                Reader packed = t.message();
                while (packed.more()) {
                    dims.add(packed.varint());
                }
            } else if (field == 2 && wire == 0) {
                type = (int) t.varint();
            } else if (field == 4 && wire == 5) {
                floatData.add(t.fixedFloat());
            } else if (field == 4 && wire == 2) {
                Reader packed = t.message();
                while (packed.more()) {
                    floatData.add(packed.fixedFloat());
                }
            } else if (field == 8 && wire == 2) {
                name = t.string();
            } else if (field == 9 && wire == 2) {
                raw = t.bytes();
            } else if (field == 13 || field == 14) {
                throw new IOException(source + ": " + what + " " + name + " keeps its data outside the file, which is not supported");
            } else {
                t.skip(key);
            }
        }
        if (type != FLOAT) {
            return new Decoded(name, null);
        }
        long[] shape = dims.stream().mapToLong(Long::longValue).toArray();
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        float[] values;
        if (raw != null) {
            if (raw.length != 4 * count) {
                throw new IOException(source + ": " + what + " " + name + " holds " + raw.length + " bytes for shape "
                        + Arrays.toString(shape));
            }
            values = new float[(int) count];
            ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        } else {
            if (floatData.size() != count) {
                throw new IOException(source + ": " + what + " " + name + " holds " + floatData.size() + " values for shape "
                        + Arrays.toString(shape));
            }
            values = new float[(int) count];
            for (int i = 0; i < values.length; i++) {
                values[i] = floatData.get(i);
            }
        }
        return new Decoded(name, new DjlParams.Tensor(name, shape, values));
    }

    /** A bounded view of the protobuf bytes. */
    private final class Reader {
        private final ByteBuffer b;
        private int at;
        private final int end;

        Reader(ByteBuffer b, int from, int end) {
            this.b = b;
            this.at = from;
            this.end = end;
        }

        boolean more() {
            return at < end;
        }

        int key() throws IOException {
            return (int) varint();
        }

        long varint() throws IOException {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (at >= end) {
                    throw new IOException(source + ": truncated number at byte " + at);
                }
                int x = b.get(at++) & 0xff;
                v |= (long) (x & 0x7f) << shift;
                if ((x & 0x80) == 0) {
                    return v;
                }
            }
            throw new IOException(source + ": malformed number at byte " + at);
        }

        float fixedFloat() throws IOException {
            need(4);
            float f = b.order(ByteOrder.LITTLE_ENDIAN).getFloat(at);
            at += 4;
            return f;
        }

        Reader message() throws IOException {
            int length = length();
            Reader r = new Reader(b, at, at + length);
            at += length;
            return r;
        }

        byte[] bytes() throws IOException {
            int length = length();
            byte[] out = new byte[length];
            b.get(at, out);
            at += length;
            return out;
        }

        String string() throws IOException {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        Reader copy() {
            return new Reader(b, at, end);
        }

        void skip(int key) throws IOException {
            switch (key & 7) {
                case 0 -> varint();
                case 1 -> {
                    need(8);
                    at += 8;
                }
                case 2 -> {
                    int length = length();
                    at += length;
                }
                case 5 -> {
                    need(4);
                    at += 4;
                }
                default -> throw new IOException(source + ": unknown protobuf wire type " + (key & 7) + " at byte " + at);
            }
        }

        private int length() throws IOException {
            long length = varint();
            if (length < 0 || length > end - at) {
                throw new IOException(source + ": field at byte " + at + " claims " + length + " bytes, but " + (end - at)
                        + " remain");
            }
            return (int) length;
        }

        private void need(int n) throws IOException {
            if (end - at < n) {
                throw new IOException(source + ": truncated at byte " + at);
            }
        }
    }
}
