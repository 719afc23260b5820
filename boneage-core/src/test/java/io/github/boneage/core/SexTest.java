package io.github.boneage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SexTest {

    @ParameterizedTest
    @CsvSource({"male,MALE", "M,MALE", " Male ,MALE", "female,FEMALE", "f,FEMALE", "FEMALE,FEMALE",
            "unknown,UNKNOWN", "U,UNKNOWN", "O,UNKNOWN", "'',UNKNOWN"})
    void parsesTheUsualSpellings(String text, Sex expected) {
        assertThat(Sex.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"true", "false", "x", "boy"})
    void refusesOtherSpellingsNamingThem(String text) {
        assertThatThrownBy(() -> Sex.parse(text)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + text + "'");
    }

    @org.junit.jupiter.api.Test
    void refusesNull() {
        assertThatThrownBy(() -> Sex.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @CsvSource({"True,MALE", "TRUE,MALE", "true,MALE", "False,FEMALE", " false ,FEMALE"})
    void readsTheRsnaMaleFlag(String flag, Sex expected) {
        assertThat(Sex.fromRsnaMaleFlag(flag)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1", "0", "yes", "M", ""})
    void refusesOtherMaleFlags(String flag) {
        assertThatThrownBy(() -> Sex.fromRsnaMaleFlag(flag)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + flag + "'");
    }

    @ParameterizedTest
    @CsvSource({"MALE,male", "FEMALE,female", "UNKNOWN,unknown"})
    void labelsRoundTrip(Sex sex, String label) {
        assertThat(sex.label()).isEqualTo(label);
        assertThat(Sex.parse(label)).isEqualTo(sex);
    }
}
