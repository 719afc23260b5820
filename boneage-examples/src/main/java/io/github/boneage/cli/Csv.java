package io.github.boneage.cli;

/** RFC 4180 quoting for the CLI's small CSV outputs. */
final class Csv {

    private Csv() {
    }

    /** @return the field, quoted when it holds a comma, quote or line break */
    static String quote(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
