package org.resnet4j.model;

import com.google.gson.JsonObject;
import java.util.List;
import org.resnet4j.dataset.Normalization;

/**
 * The {@code model.json} of a model directory: the architecture, what the outputs mean, how inputs
 * are normalised, the image preset that prepares them (null: {@code cifar}), and where the weights came
 * from (configuration, data, seed, versions).
 */
public record ModelMetadata(
        String format,
        int formatVersion,
        ResNetSpec spec,
        List<String> classes,
        Normalization normalization,
        String preset,
        JsonObject provenance) {
    public static final String FORMAT = "resnet4j-model";
    public static final int VERSION = 1;
}
