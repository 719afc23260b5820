package io.github.boneage.djl.export.impl;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads a DJL parameter file ({@code Model.save}'s {@code -0000.params}) without an engine: the header, then each
 * block's saved parameters in the block tree's order, which the caller walks (it knows the block it expects). The
 * layout is DJL 0.35's ({@code BaseModel.save}, {@code AbstractBlock.saveParameters}, {@code Parameter.save},
 * {@code NDSerializer} version 3); anything else is reported with the byte offset where it was found.
 */
public final class DjlParams {

    /** A float parameter read from the file. */
    public record Tensor(String name, long[] shape, float[] values) {
        /** @return the number of values the shape holds */
        public long size() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }
    }

    private final String source;
    private long lastDataOffset = -1;
    private ByteOrder lastOrder;
    private final byte[] bytes;
    private final DataInputStream in;
    private final ByteArrayInputStream raw;

    /**
     * Reads the header ({@code DJL@}, version, model name, data type, input descriptions, properties).
     *
     * @param source a name for messages (the bundle and file)
     * @param bytes  the file
     * @throws IOException naming the offset when the header is not DJL's
     */
    public DjlParams(String source, byte[] bytes) throws IOException {
        this.source = source;
        this.bytes = bytes;
        this.raw = new ByteArrayInputStream(bytes);
        this.in = new DataInputStream(raw);
        byte[] magic = in.readNBytes(4);
        if (!"DJL@".equals(new String(magic, StandardCharsets.US_ASCII))) {
            throw new IOException(source + ": not a DJL parameter file (no DJL@ magic)");
        }
        int version = in.readInt();
        if (version != 1) {
            throw new IOException(source + ": DJL parameter file version " + version + " (this reader knows version 1)");
        }
        in.readUTF();
        String dataType = in.readUTF();
        if (!"FLOAT32".equals(dataType)) {
            throw new IOException(source + ": parameters of type " + dataType + " (only FLOAT32 can be exported)");
        }
        int inputs = in.readInt();
        for (int i = 0; i < inputs; i++) {
            in.readUTF();
            readShape();
        }
        int properties = in.readInt();
        for (int i = 0; i < properties; i++) {
            in.readUTF();
            in.readUTF();
        }
    }

    /** @return the current offset in the file, for messages */
    public long offset() {
        return bytes.length - raw.available();
    }

    /**
     * Reads a block's version byte and checks it.
     *
     * @param block    the block's name, for messages
     * @param expected the versions this reader understands
     * @return the version
     * @throws IOException naming the block and offset when the version is not one of them
     */
    public int blockVersion(String block, int... expected) throws IOException {
        long at = offset();
        int v = in.readUnsignedByte();
        for (int e : expected) {
            if (v == e) {
                return v;
            }
        }
        throw new IOException(source + ": block " + block + " at byte " + at + " has version " + v + ", expected one of "
                + java.util.Arrays.toString(expected));
    }

    /**
     * Skips {@code AbstractBlock.saveInputShapes}: a count and that many shapes.
     *
     * @throws IOException when the file ends
     */
    public void skipInputShapes() throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 64) {
            throw new IOException(source + ": implausible input-shape count " + n + " at byte " + (offset() - 4));
        }
        for (int i = 0; i < n; i++) {
            readShape();
        }
    }

    /**
     * Skips a {@code SequentialBlock}'s metadata: its input shapes and its {@code returnIntermediate} flag.
     *
     * @throws IOException when the file ends
     */
    public void skipSequentialMetadata() throws IOException {
        skipInputShapes();
        in.readBoolean();
    }

    /**
     * Reads a DJL {@code Shape} ({@code Shape.getEncoded}).
     *
     * @return its sizes
     * @throws IOException when the file ends
     */
    public long[] readShape() throws IOException {
        int dims = in.readInt();
        if (dims < 0 || dims > 16) {
            throw new IOException(source + ": implausible shape rank " + dims + " at byte " + (offset() - 4));
        }
        long[] shape = new long[dims];
        for (int i = 0; i < dims; i++) {
            shape[i] = in.readLong();
        }
        int layout = in.readInt();
        for (int i = 0; i < layout; i++) {
            in.readChar();
        }
        return shape;
    }

    /**
     * @return the next big-endian long
     * @throws IOException when the file ends
     */
    public long readLong() throws IOException {
        return in.readLong();
    }

    /**
     * Reads a length-prefixed blob (a PyTorch block's TorchScript module: a long size, then the bytes).
     *
     * @param what what it is, for messages
     * @return the bytes
     * @throws IOException when the size does not fit in the file
     */
    public byte[] readSizedBlob(String what) throws IOException {
        long at = offset();
        long size = in.readLong();
        if (size < 0 || size > raw.available()) {
            throw new IOException(source + ": " + what + " at byte " + at + " claims " + size + " bytes, but "
                    + raw.available() + " remain");
        }
        return in.readNBytes((int) size);
    }

    /**
     * Reads one saved parameter ({@code Parameter.save}) and checks its name.
     *
     * @param expectedName the parameter's name, e.g. {@code weight}
     * @return the parameter
     * @throws IOException naming the parameter and offset when it is missing, uninitialized, misnamed or not float32
     */
    public Tensor readParameter(String expectedName) throws IOException {
        long at = offset();
        char tag = in.readChar();
        if (tag == 'N') {
            throw new IOException(source + ": parameter " + expectedName + " at byte " + at + " was never initialized");
        }
        if (tag != 'P') {
            throw new IOException(source + ": expected parameter " + expectedName + " at byte " + at + ", found tag " + (int) tag);
        }
        int version = in.readUnsignedByte();
        if (version != 1) {
            throw new IOException(source + ": parameter " + expectedName + " has version " + version + " (expected 1)");
        }
        String name = in.readUTF();
        if (!name.equals(expectedName)) {
            throw new IOException(source + ": expected parameter " + expectedName + " at byte " + at + ", found " + name);
        }
        return readArray(name);
    }

    private Tensor readArray(String name) throws IOException {
        long at = offset();
        String magic = in.readUTF();
        int version = in.readInt();
        if (!"NDAR".equals(magic) || version != 3) {
            throw new IOException(source + ": array " + name + " at byte " + at + " is not an NDArray of format version 3");
        }
        if (in.readBoolean()) {
            in.readUTF();
        }
        String sparse = in.readUTF();
        String type = in.readUTF();
        if (!"DENSE".equals(sparse) || !"FLOAT32".equals(type)) {
            throw new IOException(source + ": array " + name + " is " + sparse + " " + type + " (only dense FLOAT32 is exported)");
        }
        long[] shape = readShape();
        int order = in.readUnsignedByte();
        int length = in.readInt();
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        if (length != 4 * count || length > raw.available()) {
            throw new IOException(source + ": array " + name + " holds " + length + " bytes for shape "
                    + java.util.Arrays.toString(shape));
        }
        lastDataOffset = offset();
        lastOrder = order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        byte[] data = in.readNBytes(length);
        if (data.length != length) {
            throw new EOFException(source + ": array " + name + " is cut off");
        }
        float[] values = new float[(int) count];
        ByteBuffer.wrap(data).order(order == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
        return new Tensor(name, shape, values);
    }

    /**
     * @return the byte offset of the values of the parameter read last, for writing new values in their place
     * @throws IllegalStateException when no parameter was read yet
     */
    public long lastValuesOffset() {
        if (lastDataOffset < 0) {
            throw new IllegalStateException("no parameter read yet");
        }
        return lastDataOffset;
    }

    /** @return the byte order of the values of the parameter read last */
    public ByteOrder lastValuesOrder() {
        if (lastOrder == null) {
            throw new IllegalStateException("no parameter read yet");
        }
        return lastOrder;
    }

    /**
     * Checks that the whole file was read.
     *
     * @throws IOException naming the offset when bytes remain (the block tree differs from the one walked)
     */
    public void expectEnd() throws IOException {
        if (raw.available() != 0) {
            throw new IOException(source + ": " + raw.available() + " unread bytes after byte " + offset()
                    + " (the saved blocks differ from the expected network)");
        }
    }
}
