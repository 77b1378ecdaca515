package org.resnet4j.train;

import java.nio.file.Path;
import org.resnet4j.dataset.Datasets;
import org.resnet4j.dataset.ImageSet;
import org.resnet4j.dataset.LoadOptions;
import org.resnet4j.dataset.LoadedDataset;
import org.resnet4j.dataset.Preset;
import org.resnet4j.dataset.Samples;
import org.resnet4j.model.ResNetSpec;

/**
 * What a run's settings make of its data: how the data set is read for the preset, and the
 * network's input shape. {@code cifar} reads images into memory (resized to {@code --input} when
 * given, or {@code --resize}); the ImageNet presets index folders and crop to {@code --input} or the
 * model's own input size.
 */
final class RunInput {
    private RunInput() {}

    /** Loads the data set a configuration names. */
    static LoadedDataset load(TrainConfig cfg) {
        Preset preset = Preset.named(cfg.preset());
        int channels = cfg.input() == null ? 0 : cfg.spec().inputChannels();
        LoadOptions base = new LoadOptions(cfg.skipBad(), channels, false, false);
        return Datasets.load(cfg.dataset(), cfg.data() == null ? null : Path.of(cfg.data()),
                preset.loadOptions(base, size(cfg), -1));
    }

    /** {height, width} a cifar-preset data set is resized to when loaded, or null to keep its size. */
    static int[] size(TrainConfig cfg) {
        if (cfg.input() != null) {
            ResNetSpec spec = cfg.spec();
            return new int[] {spec.inputHeight(), spec.inputWidth()};
        }
        return cfg.resize() > 0 ? new int[] {cfg.resize(), cfg.resize()} : null;
    }

    /** {channels, height, width} of the network's input for training on {@code train}. */
    static int[] shape(TrainConfig cfg, Samples train) {
        Preset preset = Preset.named(cfg.preset());
        ResNetSpec spec = cfg.spec();
        if (!preset.decodesAtLoad()) {
            return new int[] {spec.inputChannels(), spec.inputHeight(), spec.inputWidth()};
        }
        // loaded at --input's channels and size when given (load), else as stored
        return ((ImageSet) train).shape();
    }
}
