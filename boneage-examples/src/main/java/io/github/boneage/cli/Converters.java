package io.github.boneage.cli;

import io.github.boneage.core.RoiScheme;
import io.github.boneage.core.Sex;
import io.github.boneage.djl.manifest.NetworkRole;
import io.github.boneage.preprocess.EqualizerSpec;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** picocli converters that turn the library's IllegalArgumentExceptions into usage errors (exit code 2). */
final class Converters {

    private Converters() {
    }

    /** {@code whole|roi1|roi2|roi3}. */
    static final class RoiConverter implements ITypeConverter<RoiScheme> {
        @Override
        public RoiScheme convert(String value) {
            try {
                return RoiScheme.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code none|histeq|histeq-matlab|clahe}. */
    static final class EqualizerConverter implements ITypeConverter<EqualizerSpec> {
        @Override
        public EqualizerSpec convert(String value) {
            try {
                return EqualizerSpec.ofName(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code male|female|unknown}. */
    static final class SexConverter implements ITypeConverter<Sex> {
        @Override
        public Sex convert(String value) {
            try {
                return Sex.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** {@code agnostic|male|female}: a network of a model bundle. */
    static final class NetworkRoleConverter implements ITypeConverter<NetworkRole> {
        @Override
        public NetworkRole convert(String value) {
            try {
                return NetworkRole.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
