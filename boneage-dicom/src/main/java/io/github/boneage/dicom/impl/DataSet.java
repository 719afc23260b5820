package io.github.boneage.dicom.impl;

import io.github.boneage.dicom.DicomFormatException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The elements of one DICOM data set (or sequence item) as offsets into the file's bytes; values are decoded on
 * request, so elements this reader never asks for cost nothing.
 */
public final class DataSet {

    /** One element: where its value lies, and for sequences their items. */
    record Element(int tag, String vr, int offset, int length, List<DataSet> items) {
    }

    private final String source;
    private final byte[] bytes;
    private final Map<Integer, Element> elements = new HashMap<>();

    DataSet(String source, byte[] bytes) {
        this.source = source;
        this.bytes = bytes;
    }

    void put(Element e) {
        elements.put(e.tag(), e);
    }

    /**
     * @param tag the attribute
     * @return whether the element is present (possibly empty)
     */
    public boolean has(Tag tag) {
        return elements.containsKey(tag.value());
    }

    /**
     * @param tag the attribute, a text VR (CS, DA, DS, IS, AS, UI, LO ...)
     * @return the element's text with trailing spaces and NULs removed, or empty when absent
     */
    public Optional<String> string(Tag tag) {
        Element e = elements.get(tag.value());
        if (e == null) {
            return Optional.empty();
        }
        String s = new String(bytes, e.offset(), e.length(), StandardCharsets.ISO_8859_1);
        int end = s.length();
        while (end > 0 && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\0')) {
            end--;
        }
        return Optional.of(s.substring(0, end).strip());
    }

    /**
     * @param tag the attribute, a DS or IS element
     * @return the backslash-separated values of a decimal/integer string, empty when absent or empty
     */
    public double[] decimals(Tag tag) {
        String s = string(tag).orElse("");
        if (s.isEmpty()) {
            return new double[0];
        }
        String[] parts = s.split("\\\\");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            try {
                out[i] = Double.parseDouble(parts[i].strip());
            } catch (NumberFormatException ex) {
                throw new DicomFormatException(source, tag.keyword(), "value '" + parts[i] + "' is not a number");
            }
            if (!Double.isFinite(out[i])) {
                throw new DicomFormatException(source, tag.keyword(), "value '" + parts[i] + "' is not finite");
            }
        }
        return out;
    }

    /**
     * @param tag the attribute, a US element
     * @return the unsigned 16-bit values of a US element (little endian), empty when absent
     */
    public int[] unsignedShorts(Tag tag) {
        Element e = elements.get(tag.value());
        if (e == null) {
            return new int[0];
        }
        int[] out = new int[e.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = u16(e.offset() + 2 * i);
        }
        return out;
    }

    /**
     * @param tag the attribute, a US element
     * @return the single unsigned 16-bit value of a required US element
     * @throws DicomFormatException naming the attribute when it is missing
     */
    public int requiredUnsignedShort(Tag tag) {
        int[] v = unsignedShorts(tag);
        if (v.length == 0) {
            throw new DicomFormatException(source, tag.keyword(), "required attribute is missing");
        }
        return v[0];
    }

    /**
     * @param tag the attribute, an SQ element
     * @return the items of a sequence, empty when absent
     */
    public List<DataSet> items(Tag tag) {
        Element e = elements.get(tag.value());
        return e == null || e.items() == null ? List.of() : e.items();
    }

    /**
     * @param tag the attribute
     * @return offset and length of an element's value in the file, or empty when absent
     */
    public Optional<int[]> valueRange(Tag tag) {
        Element e = elements.get(tag.value());
        return e == null ? Optional.empty() : Optional.of(new int[] {e.offset(), e.length()});
    }

    /** @return the file's bytes (shared) */
    public byte[] bytes() {
        return bytes;
    }

    /** @return the file name, for messages */
    public String source() {
        return source;
    }

    int u16(int at) {
        return (bytes[at] & 0xFF) | (bytes[at + 1] & 0xFF) << 8;
    }

    static List<DataSet> newItemList() {
        return new ArrayList<>();
    }
}
