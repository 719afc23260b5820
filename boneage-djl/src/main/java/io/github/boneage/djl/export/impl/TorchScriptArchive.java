package io.github.boneage.djl.export.impl;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Reads a TorchScript module file ({@code torch.jit.save}'s zip) without PyTorch: the module tree of
 * {@code data.pkl} (a pickle whose tensors point at the raw storages {@code data/<key>}), each module's attributes,
 * parameters and buffers by name, and the {@code Final} constants of each module class (stride, padding, groups, eps,
 * ...), which TorchScript keeps in the class's code file rather than in the pickle.
 *
 * <p>Only what a saved {@code nn.Module} tree of float tensors needs is implemented; other pickle content (a tensor of
 * another type, an unknown opcode) fails with a message naming it.
 */
public final class TorchScriptArchive {

    /** A module: its TorchScript class and its attributes in the order the pickle lists them. */
    public static final class Module {
        private final String className;
        private final Map<String, Object> attributes = new LinkedHashMap<>();
        private TorchScriptArchive archive;

        private Module(String className) {
            this.className = className;
        }

        /** @return the qualified TorchScript class, e.g. {@code __torch__.torch.nn.modules.conv.___torch_mangle_4.Conv2d} */
        public String className() {
            return className;
        }

        /** @return the class's own name, e.g. {@code Conv2d} */
        public String simpleName() {
            return className.substring(className.lastIndexOf('.') + 1);
        }

        /** @return the attributes: sub-modules, tensors (as {@link TensorRef}), numbers, booleans, strings, {@code null} */
        public Map<String, Object> attributes() {
            return attributes;
        }

        /** @return the sub-modules in order (a {@code Sequential}'s {@code "0"}, {@code "1"}, ...) */
        public Map<String, Module> children() {
            Map<String, Module> out = new LinkedHashMap<>();
            attributes.forEach((k, v) -> {
                if (v instanceof Module m) {
                    out.put(k, m);
                }
            });
            return out;
        }

        /**
         * @param name a tensor attribute (parameter or buffer)
         * @return its values and shape, or {@code null} when the attribute is {@code None}
         * @throws IOException when the attribute is missing or not a float tensor
         */
        public DjlParams.Tensor tensor(String name) throws IOException {
            if (!attributes.containsKey(name)) {
                throw new IOException("module " + className + " has no attribute " + name);
            }
            Object v = attributes.get(name);
            if (v == null) {
                return null;
            }
            if (!(v instanceof TensorRef ref)) {
                throw new IOException("attribute " + name + " of " + className + " is not a tensor");
            }
            return archive.materialize(name, ref);
        }

        /**
         * @param name a {@code Final} constant of the module's class, e.g. {@code stride}
         * @return its text as written in the class's code, e.g. {@code (2, 2)}, or {@code null} when it has none
         * @throws IOException when the class's code cannot be found
         */
        public String constant(String name) throws IOException {
            return archive.constants(className).get(name);
        }
    }

    /** A tensor in the pickle: its storage and view. */
    public record TensorRef(String storageKey, String storageType, long offset, long[] shape, long[] stride) {
    }

    private record Global(String module, String name) {
    }

    private record StorageRef(String key, String type) {
    }

    /** Where a zip entry lies: its central and local headers, its data, its size and compression method. */
    private record EntryAt(int central, int local, int data, int size, int method) {
    }

    private static final Object MARK = new Object();
    private static final Pattern CONSTANT = Pattern.compile("^\\s+(\\w+) : Final\\[.*?\\] = (.+)$");

    private final String source;
    private final byte[] zip;
    private final Map<String, EntryAt> positions = new HashMap<>();
    private final Map<String, byte[]> entries;
    private final String prefix;
    private final Module root;
    private final Map<String, Map<String, String>> constantsByClass = new HashMap<>();

    /**
     * @param source a name for messages
     * @param zip    the TorchScript file's bytes
     * @throws IOException naming the source when it is not a TorchScript zip or holds what this reader cannot read
     */
    public TorchScriptArchive(String source, byte[] zip) throws IOException {
        this.source = source;
        this.zip = zip;
        this.entries = readZip(source, zip, positions);
        String pkl = entries.keySet().stream().filter(n -> n.endsWith("/data.pkl") && n.indexOf('/') == n.length() - 9)
                .findFirst().orElseThrow(() -> new IOException(source + ": no data.pkl: not a TorchScript module file"));
        this.prefix = pkl.substring(0, pkl.length() - "data.pkl".length());
        Object top = new Unpickler(entries.get(pkl)).load();
        if (!(top instanceof Module m)) {
            throw new IOException(source + ": data.pkl does not hold a module");
        }
        this.root = m;
    }

    /** @return the top-level module */
    public Module root() {
        return root;
    }

    DjlParams.Tensor materialize(String name, TensorRef ref) throws IOException {
        if (!"FloatStorage".equals(ref.storageType())) {
            throw new IOException(source + ": tensor " + name + " is stored as " + ref.storageType() + " (only float32 is exported)");
        }
        byte[] data = entries.get(prefix + "data/" + ref.storageKey());
        if (data == null) {
            throw new IOException(source + ": tensor " + name + " points at missing storage data/" + ref.storageKey());
        }
        java.nio.FloatBuffer storage = ByteBuffer.wrap(data).order(storageOrder()).asFloatBuffer();
        long[] shape = ref.shape();
        long count = 1;
        for (long d : shape) {
            count *= d;
        }
        float[] values = new float[(int) count];
        int[] index = new int[shape.length];
        for (int i = 0; i < count; i++) {
            long at = ref.offset();
            for (int d = 0; d < shape.length; d++) {
                at += index[d] * ref.stride()[d];
            }
            if (at < 0 || at >= storage.limit()) {
                throw new IOException(source + ": tensor " + name + " reads outside its storage");
            }
            values[i] = storage.get((int) at);
            for (int d = shape.length - 1; d >= 0; d--) {
                if (++index[d] < shape[d]) {
                    break;
                }
                index[d] = 0;
            }
        }
        return new DjlParams.Tensor(name, shape.clone(), values);
    }

    Map<String, String> constants(String className) throws IOException {
        Map<String, String> cached = constantsByClass.get(className);
        if (cached != null) {
            return cached;
        }
        int dot = className.lastIndexOf('.');
        String simple = className.substring(dot + 1);
        String file = prefix + "code/" + className.substring(0, dot).replace('.', '/') + ".py";
        byte[] code = entries.get(file);
        if (code == null) {
            throw new IOException(source + ": no code file " + file + " for class " + className);
        }
        Map<String, String> out = new HashMap<>();
        boolean inClass = false;
        for (String line : new String(code, StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith("class ")) {
                inClass = line.startsWith("class " + simple + "(");
                continue;
            }
            if (inClass) {
                Matcher m = CONSTANT.matcher(line);
                if (m.matches()) {
                    out.put(m.group(1), m.group(2).trim());
                }
            }
        }
        constantsByClass.put(className, out);
        return out;
    }

    /**
     * Writes new values into tensors' storages: the archive's zip with those storages' bytes replaced (little-endian
     * float32, as {@code torch.jit.save} writes them) and their CRC-32s updated, every other byte unchanged. Each tensor
     * must fill its storage exactly (offset 0, contiguous, no other view of it), which is how a saved module's
     * parameters and buffers are stored.
     *
     * @param values new values per tensor, each as many as the tensor holds
     * @return the new zip's bytes
     * @throws IOException naming the tensor when it shares, or does not fill, its storage, or its storage is compressed
     */
    public byte[] withTensorValues(Map<TensorRef, float[]> values) throws IOException {
        byte[] out = zip.clone();
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
        ByteOrder order = storageOrder();
        java.util.Set<String> written = new java.util.HashSet<>();
        for (Map.Entry<TensorRef, float[]> e : values.entrySet()) {
            TensorRef ref = e.getKey();
            String name = prefix + "data/" + ref.storageKey();
            EntryAt at = positions.get(name);
            long count = 1;
            for (long d : ref.shape()) {
                count *= d;
            }
            if (at == null || !"FloatStorage".equals(ref.storageType()) || !written.add(name)) {
                throw new IOException(source + ": storage " + name + " is missing, not float32, or shared by two tensors");
            }
            if (at.method() != 0 || ref.offset() != 0 || at.size() != 4 * count || !contiguous(ref)
                    || e.getValue().length != count) {
                throw new IOException(source + ": storage " + name + " (" + at.size() + " bytes) is not one contiguous,"
                        + " uncompressed float32 tensor of shape " + java.util.Arrays.toString(ref.shape())
                        + " that the " + e.getValue().length + " new values fill");
            }
            ByteBuffer.wrap(out, at.data(), at.size()).order(order).asFloatBuffer().put(e.getValue());
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(out, at.data(), at.size());
            int value = (int) crc.getValue();
            b.putInt(at.central() + 16, value);
            if ((b.getShort(at.local() + 6) & 8) == 0) {
                b.putInt(at.local() + 14, value);
            } else {
                // The local header leaves the CRC-32 to a data descriptor after the data (optional signature first).
                int d = at.data() + at.size();
                b.putInt(b.getInt(d) == 0x08074b50 ? d + 4 : d, value);
            }
        }
        return out;
    }

    /** @return the storages' byte order: little-endian unless the archive's {@code byteorder} record says big */
    private ByteOrder storageOrder() {
        byte[] byteorder = entries.get(prefix + "byteorder");
        return byteorder != null && new String(byteorder, StandardCharsets.US_ASCII).trim().equals("big")
                ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    }

    private static boolean contiguous(TensorRef ref) {
        long expected = 1;
        for (int d = ref.shape().length - 1; d >= 0; d--) {
            if (ref.shape()[d] != 1 && ref.stride()[d] != expected) {
                return false;
            }
            expected *= ref.shape()[d];
        }
        return true;
    }

    private static Map<String, byte[]> readZip(String source, byte[] zip, Map<String, EntryAt> positions) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        int eocd = -1;
        for (int i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
            if (b.getInt(i) == 0x06054b50) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new IOException(source + ": not a zip file (no end-of-central-directory record)");
        }
        int count = Short.toUnsignedInt(b.getShort(eocd + 10));
        long cd = Integer.toUnsignedLong(b.getInt(eocd + 16));
        Map<String, byte[]> out = new LinkedHashMap<>();
        int p = (int) cd;
        for (int e = 0; e < count; e++) {
            if (p < 0 || p + 46 > zip.length || b.getInt(p) != 0x02014b50) {
                throw new IOException(source + ": broken zip central directory at byte " + p);
            }
            int method = Short.toUnsignedInt(b.getShort(p + 10));
            long compressed = Integer.toUnsignedLong(b.getInt(p + 20));
            long size = Integer.toUnsignedLong(b.getInt(p + 24));
            int nameLen = Short.toUnsignedInt(b.getShort(p + 28));
            int extraLen = Short.toUnsignedInt(b.getShort(p + 30));
            int commentLen = Short.toUnsignedInt(b.getShort(p + 32));
            long local = Integer.toUnsignedLong(b.getInt(p + 42));
            String name = new String(zip, p + 46, nameLen, StandardCharsets.UTF_8);
            if (compressed == 0xffffffffL || size == 0xffffffffL || local == 0xffffffffL) {
                throw new IOException(source + ": zip entry " + name + " needs ZIP64, which this reader does not handle");
            }
            int lp = (int) local;
            if (lp + 30 > zip.length || b.getInt(lp) != 0x04034b50) {
                throw new IOException(source + ": broken local header of zip entry " + name);
            }
            int data = lp + 30 + Short.toUnsignedInt(b.getShort(lp + 26)) + Short.toUnsignedInt(b.getShort(lp + 28));
            if (data + compressed > zip.length) {
                throw new IOException(source + ": zip entry " + name + " runs past the end of the file");
            }
            byte[] bytes;
            if (method == 0) {
                bytes = java.util.Arrays.copyOfRange(zip, data, (int) (data + size));
            } else if (method == 8) {
                bytes = inflate(source, name, zip, data, (int) compressed, (int) size);
            } else {
                throw new IOException(source + ": zip entry " + name + " uses compression method " + method);
            }
            out.put(name, bytes);
            positions.put(name, new EntryAt(p, lp, data, (int) size, method));
            p += 46 + nameLen + extraLen + commentLen;
        }
        return out;
    }

    private static byte[] inflate(String source, String name, byte[] zip, int offset, int length, int size) throws IOException {
        Inflater inflater = new Inflater(true);
        try {
            inflater.setInput(zip, offset, length);
            byte[] out = new byte[size];
            int n = inflater.inflate(out);
            if (n != size) {
                throw new IOException(source + ": zip entry " + name + " inflates to " + n + " bytes, expected " + size);
            }
            return out;
        } catch (DataFormatException e) {
            throw new IOException(source + ": zip entry " + name + " is corrupt: " + e.getMessage(), e);
        } finally {
            inflater.end();
        }
    }

    /** The subset of Python's pickle protocol 2 that {@code torch.jit.save} writes for a module tree. */
    private final class Unpickler {
        private final ByteBuffer in;
        private final Deque<Object> stack = new ArrayDeque<>();
        private final Map<Integer, Object> memo = new HashMap<>();

        Unpickler(byte[] pickle) {
            this.in = ByteBuffer.wrap(pickle).order(ByteOrder.LITTLE_ENDIAN);
        }

        Object load() throws IOException {
            try {
                while (true) {
                    int at = in.position();
                    int op = in.get() & 0xff;
                    switch (op) {
                        case 0x80 -> in.get(); // PROTO
                        case 0x95 -> in.getLong(); // FRAME
                        case '.' -> {
                            return unwrap(stack.pop());
                        }
                        case 'c' -> push(new Global(line(), line()));
                        case 'q' -> memo.put(in.get() & 0xff, stack.peek());
                        case 'r' -> memo.put(in.getInt(), stack.peek());
                        case 0x94 -> memo.put(memo.size(), stack.peek());
                        case 'h' -> push(memo.get(in.get() & 0xff));
                        case 'j' -> push(memo.get(in.getInt()));
                        case '(' -> push(MARK);
                        case ')' -> push(List.of());
                        case '}' -> push(new LinkedHashMap<Object, Object>());
                        case ']' -> push(new ArrayList<>());
                        case 'N' -> push(null);
                        case 0x88 -> push(Boolean.TRUE);
                        case 0x89 -> push(Boolean.FALSE);
                        case 'K' -> push((long) (in.get() & 0xff));
                        case 'M' -> push((long) (in.getShort() & 0xffff));
                        case 'J' -> push((long) in.getInt());
                        case 0x8a -> push(long1());
                        case 'G' -> push(Double.longBitsToDouble(Long.reverseBytes(in.getLong()))); // big-endian in the pickle
                        case 'X' -> push(text(in.getInt()));
                        case 0x8c -> push(text(in.get() & 0xff));
                        case 't' -> push(popToMark());
                        case 'l' -> push(new ArrayList<>(popToMark()));
                        case 0x85 -> push(tuple(1));
                        case 0x86 -> push(tuple(2));
                        case 0x87 -> push(tuple(3));
                        case 'a' -> {
                            Object v = unwrap(stack.pop());
                            list(stack.peek(), at).add(v);
                        }
                        case 'e' -> {
                            List<Object> items = popToMark();
                            list(stack.peek(), at).addAll(items);
                        }
                        case 's' -> {
                            Object v = unwrap(stack.pop());
                            Object k = unwrap(stack.pop());
                            dict(stack.peek(), at).put(k, v);
                        }
                        case 'u' -> {
                            List<Object> items = popToMark();
                            Map<Object, Object> d = dict(stack.peek(), at);
                            for (int i = 0; i + 1 < items.size(); i += 2) {
                                d.put(items.get(i), items.get(i + 1));
                            }
                        }
                        case 'd' -> {
                            List<Object> items = popToMark();
                            Map<Object, Object> d = new LinkedHashMap<>();
                            for (int i = 0; i + 1 < items.size(); i += 2) {
                                d.put(items.get(i), items.get(i + 1));
                            }
                            push(d);
                        }
                        case 0x81 -> { // NEWOBJ: cls.__new__(cls, *args)
                            stack.pop();
                            Object cls = stack.pop();
                            if (!(cls instanceof Global g)) {
                                throw new IOException("NEWOBJ of a non-class at pickle byte " + at);
                            }
                            push(new Module(g.module() + "." + g.name()));
                        }
                        case 'b' -> { // BUILD: obj.__setstate__(state)
                            Object state = unwrap(stack.pop());
                            Object obj = stack.peek();
                            if (obj instanceof Module m && state instanceof Map<?, ?> map) {
                                map.forEach((k, v) -> m.attributes.put(String.valueOf(k), v));
                                m.archive = TorchScriptArchive.this;
                            } else {
                                throw new IOException("BUILD of an unsupported object at pickle byte " + at);
                            }
                        }
                        case 'Q' -> push(persistent(unwrap(stack.pop()), at));
                        case 'R' -> {
                            Object args = unwrap(stack.pop());
                            Object fn = unwrap(stack.pop());
                            push(reduce(fn, args, at));
                        }
                        default -> throw new IOException("unsupported pickle opcode 0x" + Integer.toHexString(op)
                                + " at byte " + at);
                    }
                }
            } catch (java.nio.BufferUnderflowException | java.util.NoSuchElementException | ClassCastException e) {
                throw new IOException(source + ": data.pkl is malformed: " + e, e);
            } catch (IOException e) {
                throw new IOException(source + ": data.pkl: " + e.getMessage(), e);
            }
        }

        private void push(Object o) {
            // ArrayDeque refuses null; None is kept as a marker-free wrapper.
            stack.push(o == null ? NONE : o);
        }

        private List<Object> popToMark() {
            List<Object> items = new ArrayList<>();
            while (true) {
                Object o = stack.pop();
                if (o == MARK) {
                    break;
                }
                items.add(0, unwrap(o));
            }
            return items;
        }

        private List<Object> tuple(int n) {
            Object[] items = new Object[n];
            for (int i = n - 1; i >= 0; i--) {
                items[i] = unwrap(stack.pop());
            }
            return java.util.Arrays.asList(items);
        }

        private String line() {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            byte c;
            while ((c = in.get()) != '\n') {
                b.write(c);
            }
            return b.toString(StandardCharsets.UTF_8);
        }

        private String text(int length) {
            byte[] b = new byte[length];
            in.get(b);
            return new String(b, StandardCharsets.UTF_8);
        }

        private long long1() throws IOException {
            int n = in.get() & 0xff;
            if (n > 8) {
                throw new IOException("integer of " + n + " bytes");
            }
            long v = 0;
            for (int i = 0; i < n; i++) {
                v |= (long) (in.get() & 0xff) << (8 * i);
            }
            if (n > 0 && n < 8 && (v >> (8 * n - 1) & 1) == 1) {
                v -= 1L << (8 * n);
            }
            return v;
        }

        @SuppressWarnings("unchecked")
        private List<Object> list(Object o, int at) throws IOException {
            if (o instanceof List<?> l) {
                return (List<Object>) l;
            }
            throw new IOException("append to a non-list at pickle byte " + at);
        }

        @SuppressWarnings("unchecked")
        private Map<Object, Object> dict(Object o, int at) throws IOException {
            if (o instanceof Map<?, ?> m) {
                return (Map<Object, Object>) m;
            }
            throw new IOException("set item of a non-dict at pickle byte " + at);
        }

        private Object persistent(Object pid, int at) throws IOException {
            // ('storage', <storage class>, key, location, numel)
            if (pid instanceof List<?> t && t.size() >= 3 && "storage".equals(t.get(0)) && t.get(1) instanceof Global g) {
                return new StorageRef(String.valueOf(t.get(2)), g.name());
            }
            throw new IOException("unsupported persistent id at pickle byte " + at + ": " + pid);
        }

        private Object reduce(Object fn, Object args, int at) throws IOException {
            if (!(fn instanceof Global g) || !(args instanceof List<?> a)) {
                throw new IOException("unsupported REDUCE at pickle byte " + at);
            }
            String name = g.module() + "." + g.name();
            switch (name) {
                case "torch._utils._rebuild_tensor_v2" -> {
                    StorageRef s = (StorageRef) a.get(0);
                    return new TensorRef(s.key(), s.type(), (Long) a.get(1), longs(a.get(2)), longs(a.get(3)));
                }
                case "collections.OrderedDict" -> {
                    return new LinkedHashMap<>();
                }
                case "torch.jit._pickle.build_intlist", "torch.jit._pickle.build_doublelist",
                        "torch.jit._pickle.build_boollist", "torch.jit._pickle.build_tensorlist",
                        "torch.jit._pickle.build_genericlist" -> {
                    return a.get(0);
                }
                default -> {
                    // Anything else (e.g. a quantized tensor) is kept as an opaque value; the exporter refuses it if it
                    // matters, naming the module.
                    return name + a;
                }
            }
        }
    }

    private static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    private static Object unwrap(Object o) {
        return o == NONE ? null : o;
    }

    private static long[] longs(Object o) {
        List<?> l = (List<?>) o;
        long[] out = new long[l.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (Long) l.get(i);
        }
        return out;
    }
}
