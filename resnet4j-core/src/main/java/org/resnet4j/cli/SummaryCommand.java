package org.resnet4j.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.resnet4j.model.ModelSummary;
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
                ModelSummary s = ModelSummary.of(ResNets.spec(name));
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
            ModelSummary s = ModelSummary.of(modelOptions.spec());
            out.print(json ? Json.toJson(s.toJsonObject()) + "\n" : s.toTable());
        }
        out.flush();
    }
}
