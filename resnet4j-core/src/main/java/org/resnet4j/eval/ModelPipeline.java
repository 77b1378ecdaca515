package org.resnet4j.eval;

import org.resnet4j.dataset.LoadOptions;
import org.resnet4j.dataset.Pipeline;
import org.resnet4j.dataset.Preset;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.model.ResNetSpec;

/** The test transforms a model's training expected: its preset's, at its input size, with its normalisation. */
public final class ModelPipeline {
    private ModelPipeline() {}

    /** The preset's test pipeline for {@code model}: one view, or the ten crops of Table 3. */
    public static Pipeline of(ResNetModel model, boolean tenCrop) {
        ResNetSpec s = model.spec();
        Preset preset = Preset.named(model.preset());
        return tenCrop ? preset.tenCrop(s.inputChannels(), s.inputHeight(), s.inputWidth(), model.normalization())
                : preset.eval(s.inputChannels(), s.inputHeight(), s.inputWidth(), model.normalization());
    }

    /** How to read a data set to evaluate {@code model} on: as its preset reads data (cifar: in memory at the input size). */
    public static LoadOptions loadOptions(ResNetModel model, LoadOptions base) {
        ResNetSpec s = model.spec();
        return Preset.named(model.preset()).loadOptions(base, new int[] {s.inputHeight(), s.inputWidth()}, -1);
    }
}
