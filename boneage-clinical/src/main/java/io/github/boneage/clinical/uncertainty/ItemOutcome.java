package io.github.boneage.clinical.uncertainty;

import io.github.boneage.core.BoneAgeException;
import java.util.Objects;
import java.util.Optional;

/**
 * The result of one item of a batch: a value, or why this item failed. A failed item never stops the rest of the
 * batch.
 *
 * @param <T> the result type
 */
public final class ItemOutcome<T> {

    private final String sourceId;
    private final T value;
    private final BoneAgeException error;

    private ItemOutcome(String sourceId, T value, BoneAgeException error) {
        this.sourceId = Objects.requireNonNull(sourceId);
        this.value = value;
        this.error = error;
    }

    /**
     * @param <T> the type of the value
     * @param sourceId the input, as named in messages
     * @param value the result for it
     * @return a successful outcome for the named input
     */
    public static <T> ItemOutcome<T> success(String sourceId, T value) {
        return new ItemOutcome<>(sourceId, Objects.requireNonNull(value), null);
    }

    /**
     * @param <T> the type the value would have had
     * @param sourceId the input, as named in messages
     * @param error why it failed
     * @return a failed outcome for the named input
     */
    public static <T> ItemOutcome<T> failure(String sourceId, BoneAgeException error) {
        return new ItemOutcome<>(sourceId, null, Objects.requireNonNull(error));
    }

    /** @return the input's name */
    public String sourceId() {
        return sourceId;
    }

    /** @return whether this item succeeded */
    public boolean isSuccess() {
        return value != null;
    }

    /** @return the value, if this item succeeded */
    public Optional<T> value() {
        return Optional.ofNullable(value);
    }

    /** @return why this item failed, if it did */
    public Optional<BoneAgeException> error() {
        return Optional.ofNullable(error);
    }

    /**
     * @return the value
     * @throws BoneAgeException the item's error if it failed
     */
    public T orElseThrow() {
        if (error != null) {
            throw error;
        }
        return value;
    }
}
