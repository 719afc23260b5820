package io.github.boneage.core;

/**
 * An input path names something other than a regular file: a FIFO, a device, a socket or a folder where a file was
 * expected. Raised before the path is opened, because opening a FIFO blocks until a writer appears and reading a device
 * may never end. Symbolic links to regular files are regular files here.
 */
public class NotARegularFileException extends InputFormatException {

    /** What the path is instead of a regular file. */
    private final String kind;

    /**
     * @param source the path
     * @param kind   what it is instead (e.g. {@code "a FIFO, device or socket"}, {@code "a folder"})
     */
    public NotARegularFileException(String source, String kind) {
        super(source, 0, null, "not a regular file but " + kind + "; refused without opening it");
        this.kind = kind;
    }

    /** @return what the path is instead of a regular file */
    public String kind() {
        return kind;
    }
}
