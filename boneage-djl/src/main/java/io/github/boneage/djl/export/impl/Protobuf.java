package io.github.boneage.djl.export.impl;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A protobuf message written field by field in the wire format (varints, 32-bit floats and length-delimited fields;
 * see the protobuf encoding guide). ONNX needs only these three wire types, so this small writer replaces a protobuf
 * library and generated classes: no dependency, and the field numbers used are spelled out in {@link OnnxModel}.
 */
public final class Protobuf {

    private static final int VARINT = 0;
    private static final int LENGTH_DELIMITED = 2;
    private static final int FIXED32 = 5;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /**
     * Writes a varint field (int32, int64, enum, bool).
     *
     * @param field the field number
     * @param value the value (negative values take ten bytes, as protobuf's int64 does)
     * @return this message
     */
    public Protobuf varint(int field, long value) {
        tag(field, VARINT);
        rawVarint(value);
        return this;
    }

    /**
     * Writes a float field.
     *
     * @param field the field number
     * @param value the value
     * @return this message
     */
    public Protobuf float32(int field, float value) {
        tag(field, FIXED32);
        int bits = Float.floatToIntBits(value);
        for (int i = 0; i < 4; i++) {
            out.write((bits >>> (8 * i)) & 0xff);
        }
        return this;
    }

    /**
     * Writes a string field as UTF-8.
     *
     * @param field the field number
     * @param value the text
     * @return this message
     */
    public Protobuf string(int field, String value) {
        return bytes(field, value.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes a bytes field.
     *
     * @param field the field number
     * @param value the bytes
     * @return this message
     */
    public Protobuf bytes(int field, byte[] value) {
        tag(field, LENGTH_DELIMITED);
        rawVarint(value.length);
        out.write(value, 0, value.length);
        return this;
    }

    /**
     * Writes an embedded message field.
     *
     * @param field   the field number
     * @param message the message
     * @return this message
     */
    public Protobuf message(int field, Protobuf message) {
        return bytes(field, message.toByteArray());
    }

    /** @return the encoded message */
    public byte[] toByteArray() {
        return out.toByteArray();
    }

    private void tag(int field, int wireType) {
        rawVarint(((long) field << 3) | wireType);
    }

    private void rawVarint(long value) {
        long v = value;
        while ((v & ~0x7fL) != 0) {
            out.write((int) ((v & 0x7f) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
