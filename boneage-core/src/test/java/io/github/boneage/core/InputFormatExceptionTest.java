package io.github.boneage.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InputFormatExceptionTest {

    @Test
    void messageNamesFileLineAndColumn() {
        InputFormatException e = new InputFormatException("lm.csv", 12, "ring_x", "x=312.0 is outside the 299x299 image");
        assertThat(e).hasMessage("lm.csv, line 12, column ring_x: x=312.0 is outside the 299x299 image");
        assertThat(e.source()).isEqualTo("lm.csv");
        assertThat(e.line()).isEqualTo(12);
        assertThat(e.field()).contains("ring_x");
        assertThat(e).isInstanceOf(BoneAgeException.class);
    }

    @Test
    void lineAndColumnAreLeftOutWhenUnknown() {
        assertThat(new InputFormatException("a.json", 0, null, "not JSON")).hasMessage("a.json: not JSON");
        assertThat(new InputFormatException("a.csv", 3, null, "bad")).hasMessage("a.csv, line 3: bad");
        assertThat(new InputFormatException("a.csv", 0, "male", "bad")).hasMessage("a.csv, column male: bad");
    }

    @Test
    void keepsTheCause() {
        NumberFormatException cause = new NumberFormatException("x");
        InputFormatException e = new InputFormatException("a.csv", 4, "boneage", "'x' is not a number", cause);
        assertThat(e).hasCause(cause).hasMessage("a.csv, line 4, column boneage: 'x' is not a number");
        InputFormatException noLine = new InputFormatException("img.png", "cannot decode", cause);
        assertThat(noLine).hasCause(cause).hasMessage("img.png: cannot decode");
        assertThat(noLine.line()).isZero();
        assertThat(noLine.field()).isEmpty();
    }

    @Test
    void aMissingSourceNameDoesNotHideTheReason() {
        assertThat(new InputFormatException(null, 2, "id", "empty")).hasMessage("null, line 2, column id: empty");
    }
}
