package org.resnet4j.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.resnet4j.model.ModelSummary;
import org.resnet4j.model.ResNet;
import org.resnet4j.model.ResNetSpec;
import org.resnet4j.model.ResNets;
import org.resnet4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code resnet4j summary}: per-layer table, parameter count and multiply-adds. */
@Command(name = "summary", mixinStandardHelpOptions = true,
        description = "Print a network's layers (output shape, trainable parameters) with totals: trainable parameters "
                + "and multiply-adds per image.")
public final class SummaryCommand implements Runnable {
    @Mixin ModelOptions modelOptions;

    @Option(names = "--all", description = "Every zoo network at its default input and class count.")
    boolean all;

    @Option(names = "--json", description = "JSON instead of a table (with --all: an array, one object per network).")
    boolean json;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    @Override
    public void run() {
        var out = commandSpec.commandLine().getOut();
        if (all) {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (String name : ResNets.names()) {
                ModelSummary s = summarize(ResNets.spec(name));
                if (json) {
                    rows.add(s.toJsonObject());
                } else {
                    out.printf("%-18s %-9s depth %5d  params %,12d (%8s)  MACs %,16d (%s)%n", name, s.spec().family().label(),
                            s.spec().depth(), s.params(), ModelSummary.human(s.params()), s.macs(), ModelSummary.human(s.macs()));
                }
            }
            if (json) {
                out.println(Json.toJson(rows));
            }
        } else {
            ModelSummary s = summarize(modelOptions.spec());
            out.print(json ? Json.toJson(s.toJsonObject()) + "\n" : s.toTable());
        }
        out.flush();
    }

    /** Allocates the network (no forward pass, no weight drawing) and summarises it. */
    static ModelSummary summarize(ResNetSpec spec) {
        try (NDManager manager = NDManager.newBaseManager(org.resnet4j.util.Devices.device())) {
            ResNet net = ResNets.create(spec);
            net.initialize(manager, DataType.FLOAT32, new Shape(1, spec.inputChannels(), spec.inputHeight(), spec.inputWidth()));
            return ModelSummary.of(net);
        }
    }
}
