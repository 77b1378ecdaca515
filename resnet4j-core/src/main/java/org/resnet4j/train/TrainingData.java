package org.resnet4j.train;

import com.google.gson.JsonObject;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;
import org.resnet4j.dataset.LoadedDataset;
import org.resnet4j.dataset.Normalization;
import org.resnet4j.dataset.Pipeline;
import org.resnet4j.dataset.Preset;
import org.resnet4j.dataset.Samples;
import org.resnet4j.dataset.Split;
import org.resnet4j.dataset.Splits;
import org.resnet4j.util.Json;

/**
 * What a run trains and tests on: the training split and the held-out validation images (section 4.2
 * holds out 5k of CIFAR-10's 50k), the test split, the input normalisation and the preset's train and
 * eval pipelines, and the settings resolved against the data (validation count, input shape, classes).
 */
record TrainingData(TrainConfig config, LoadedDataset dataset, Samples train, Samples val, Samples test,
        Normalization norm, Preset preset, Pipeline trainPipeline, Pipeline evalPipeline) {

    /** Splits {@code data} as {@code cfg} asks and checks the settings against it; {@code parent} is a fine-tuning run's parent or null. */
    static TrainingData prepare(TrainConfig cfg, LoadedDataset data, FineTuning parent) {
        if (data.train() == null) {
            throw new ResNet4jException("--dataset " + cfg.dataset() + ": " + data.source() + " has no training split");
        }
        Samples pool = data.train();
        if (cfg.limitTrain() > 0 && cfg.limitTrain() < pool.size()) {
            pool = Splits.stratifiedSubset(pool, cfg.limitTrain(), cfg.seed());
        }
        int valCount = cfg.valSplit() != null ? cfg.valSplit() : Splits.defaultValCount(pool.size());
        if (valCount >= pool.size()) {
            throw new UsageException("--val-split: " + valCount + " leaves no training images (the training set has "
                    + pool.size() + ")");
        }
        Split<Samples> split = Splits.holdOut(pool, valCount, cfg.seed());
        Samples train = split.train();
        Samples test = data.test();
        if (test != null && cfg.limitTest() > 0 && cfg.limitTest() < test.size()) {
            test = Splits.stratifiedSubset(test, cfg.limitTest(), cfg.seed());
        }
        int[] in = RunInput.shape(cfg, train);
        String shape = in[0] + "x" + in[1] + "x" + in[2];
        int k = cfg.classes() != null ? cfg.classes() : data.classes().size();
        if (k != data.classes().size()) {
            throw new UsageException("--classes " + k + ": " + data.source() + " has " + data.classes().size() + " classes");
        }
        if (train.size() < cfg.batchSize()) {
            throw new UsageException("--batch-size " + cfg.batchSize() + ": larger than the training set ("
                    + train.size() + " images)");
        }
        Preset preset = Preset.named(cfg.preset());
        Normalization norm = FineTuning.normalization(cfg.normalization(), preset, train, in, cfg.seed(), parent);
        return new TrainingData(cfg.withValSplit(valCount).withInputAndClasses(shape, k), data, train, split.val(), test,
                norm, preset,
                preset.train(in[0], in[1], in[2], norm, new Preset.Options(cfg.pad(), cfg.flip(), cfg.erase())),
                preset.eval(in[0], in[1], in[2], norm));
    }

    /** Full batches per epoch: the last partial batch is dropped, as torchvision's references do. */
    int batchesPerEpoch() {
        return train.size() / config.batchSize();
    }

    /** The same data with the settings {@code c}. */
    TrainingData withConfig(TrainConfig c) {
        return new TrainingData(c, dataset, train, val, test, norm, preset, trainPipeline, evalPipeline);
    }

    /** The data set as config.json and the model's provenance record it. */
    JsonObject json() {
        JsonObject d = new JsonObject();
        d.addProperty("name", dataset.name());
        d.addProperty("source", dataset.source());
        d.addProperty("fingerprint", dataset.fingerprint());
        d.add("classes", Json.GSON.toJsonTree(dataset.classes()));
        d.addProperty("train_images", train.size());
        d.addProperty("val_images", val == null ? 0 : val.size());
        d.addProperty("test_images", test == null ? 0 : test.size());
        return d;
    }
}
