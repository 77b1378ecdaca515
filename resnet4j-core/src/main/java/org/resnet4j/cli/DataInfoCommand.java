package org.resnet4j.cli;

import java.io.PrintWriter;
import java.util.Map;
import org.resnet4j.dataset.DatasetInfo;
import org.resnet4j.dataset.LoadedDataset;
import org.resnet4j.dataset.MixedSizesException;
import org.resnet4j.util.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code resnet4j data info}: classes, images per split and class, shape, channel statistics. */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Classes, images per split and per class, image shape, channel mean and std of a data set.")
public final class DataInfoCommand implements Runnable {
    @Mixin DatasetOptions data;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        long start = System.nanoTime();
        LoadedDataset d;
        try {
            d = data.load(0, false, false);
        } catch (MixedSizesException e) {
            d = data.loadIndexed(false, false); // photos of different sizes: read one by one
        }
        DatasetInfo info = DatasetInfo.of(d);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(Json.toJson(info));
        } else {
            printTable(out, d, info, (System.nanoTime() - start) / 1e9);
        }
        out.flush();
    }

    private static void printTable(PrintWriter out, LoadedDataset d, DatasetInfo info, double seconds) {
        int[] s = info.shape();
        out.printf("dataset      %s%n", info.dataset());
        out.printf("source       %s%n", d.source());
        out.printf("fingerprint  %s%n", d.fingerprint());
        if (info.sizes() == null) {
            out.printf("shape        %d x %d x %d (channels x height x width)%n", s[0], s[1], s[2]);
        } else {
            out.printf("channels     %d%n", s[0]);
            out.printf("sizes        %s, mixed%n", info.sizes());
        }
        out.printf("classes      %d%n", info.classes().size());
        int width = Math.max(5, info.classes().stream().mapToInt(String::length).max().orElse(5));
        StringBuilder header = new StringBuilder(String.format("%-" + width + "s", "class"));
        info.splits().keySet().forEach(k -> header.append(String.format(" %8s", k)));
        out.println();
        out.println(header);
        for (int c = 0; c < info.classes().size(); c++) {
            StringBuilder row = new StringBuilder(String.format("%-" + width + "s", info.classes().get(c)));
            for (DatasetInfo.SplitCounts sc : info.splits().values()) {
                row.append(String.format(" %8d", sc.perClass()[c]));
            }
            out.println(row);
        }
        StringBuilder total = new StringBuilder(String.format("%-" + width + "s", "total"));
        for (Map.Entry<String, DatasetInfo.SplitCounts> e : info.splits().entrySet()) {
            total.append(String.format(" %8d", e.getValue().count()));
        }
        out.println(total);
        out.println();
        out.printf("mean         %s  (%s split, 0..1)%n", format(info.mean()), d.train() != null ? "train" : "test");
        out.printf("std          %s%n", format(info.std()));
        out.printf("read in      %.1f s%n", seconds);
    }

    private static String format(float[] v) {
        StringBuilder b = new StringBuilder();
        for (float x : v) {
            b.append(String.format("%.4f ", x));
        }
        return b.toString().trim();
    }
}
