package org.resnet4j.eval;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import org.resnet4j.ResNet4jException;
import org.resnet4j.dataset.Samples;
import org.resnet4j.dataset.Split;
import org.resnet4j.dataset.Splits;

/**
 * The validation images a training run held out, recovered from the model's provenance: its
 * {@code config} object (the training config) gives {@code valSplit} (images held out; absent or
 * null: the trainer's default, a tenth of the pool, at most 5k), {@code seed} and {@code limitTrain}
 * (a stratified subset taken before the hold-out), and {@link Splits} picks the same images again.
 */
public final class ValidationSplit {
    private ValidationSplit() {}

    /** The held-out images of {@code train}; {@code modelDir} names the model in errors. */
    public static <S extends Samples> S of(JsonObject provenance, S train, String modelDir) {
        JsonObject config = provenance == null ? null : object(provenance.get("config"));
        if (config == null) {
            throw new ResNet4jException(modelDir + ": the model records no training config, so its validation split is "
                    + "unknown (use --split test or train)");
        }
        Long seed = number(config, "seed");
        if (seed == null) {
            throw new ResNet4jException(modelDir + ": the model's training config has no seed, so its validation split "
                    + "is unknown (use --split test or train)");
        }
        Long limit = number(config, "limitTrain", "limit_train");
        S pool = train;
        if (limit != null && limit > 0 && limit < train.size()) {
            pool = Splits.stratifiedSubset(train, (int) (long) limit, seed);
        }
        Long valSplit = number(config, "valSplit", "val_split");
        int count;
        if (valSplit != null) {
            count = (int) (long) valSplit;
        } else {
            count = Splits.defaultValCount(pool.size());
        }
        if (count <= 0) {
            throw new ResNet4jException(modelDir + ": the model was trained without a validation split (valSplit 0); "
                    + "use --split test or train");
        }
        Split<S> split = Splits.holdOut(pool, count, seed);
        return split.val();
    }

    private static JsonObject object(JsonElement e) {
        return e != null && e.isJsonObject() ? e.getAsJsonObject() : null;
    }

    private static Long number(JsonObject o, String... keys) {
        for (String k : keys) {
            JsonElement e = o.get(k);
            if (e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
                return e.getAsLong();
            }
        }
        return null;
    }
}
