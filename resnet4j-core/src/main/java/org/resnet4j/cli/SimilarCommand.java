package org.resnet4j.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;
import org.resnet4j.eval.Embedder;
import org.resnet4j.eval.FeatureFile;
import org.resnet4j.eval.FeatureIndex;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.util.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code resnet4j similar}: the indexed images most like a query image. */
@Command(name = "similar", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Rank the images indexed by 'embed' by cosine similarity to query images.",
            "The query is embedded with the model that made the index (recorded beside it; --model-dir overrides)."})
public final class SimilarCommand implements Callable<Integer> {
    @Option(names = "--features", required = true, paramLabel = "FILE", description = "Features written by embed (features.npy).")
    Path features;

    @Parameters(arity = "0..*", paramLabel = "QUERY_IMAGE", description = "Image files to look for.")
    List<Path> queries;

    @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "Images per query (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--model-dir", paramLabel = "DIR", description = "Model directory (default: the one that made the index).")
    Path modelDir;

    @Option(names = "--knn", paramLabel = "QUERIES.npy", description = "Instead of listing matches: the accuracy of a "
            + "k-nearest-neighbour classifier (k = --top) over the index on the images embedded in QUERIES.npy, each "
            + "image's class being the name of its folder (train/cat/0001.jpg is a cat).")
    Path knn;

    @Option(names = "--json", description = "A JSON array: {query, matches: [{file, similarity}]} or {query, error}.")
    boolean json;

    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec commandSpec;

    @Override
    public Integer call() {
        if (top < 1) {
            throw new UsageException("--top: must be at least 1, not " + top);
        }
        PrintWriter out = commandSpec.commandLine().getOut();
        PrintWriter err = commandSpec.commandLine().getErr();
        FeatureIndex index = FeatureFile.read(features, "--features");
        if (knn != null) {
            FeatureIndex.KnnResult r = index.knn(FeatureFile.read(knn, "--knn"), top);
            if (json) {
                Map<String, Object> o = new LinkedHashMap<>();
                o.put("k", r.k());
                o.put("accuracy", r.accuracy());
                o.put("correct", r.correct());
                o.put("count", r.count());
                o.put("index_images", index.files().size());
                o.put("classes", r.classes());
                out.println(Json.toJson(o));
            } else {
                out.printf(Locale.ROOT, "%d-nearest-neighbour accuracy on %s: %.2f%% (%,d of %,d images; index %s: %,d images of %d classes)%n",
                        r.k(), knn, 100 * r.accuracy(), r.correct(), r.count(), features, index.files().size(), r.classes().size());
            }
            out.flush();
            return 0;
        }
        if (queries == null || queries.isEmpty()) {
            throw new ResNet4jException("give QUERY_IMAGE files or --knn QUERIES.npy");
        }
        Path dir = modelDir;
        if (dir == null) {
            if (!index.meta().has("model_dir")) {
                throw new ResNet4jException("--features " + features + ": no " + FeatureFile.metaFile(features).getFileName()
                        + " says which model made it; give --model-dir");
            }
            dir = Path.of(index.meta().get("model_dir").getAsString());
        }
        boolean failed = false;
        List<Map<String, Object>> rows = new ArrayList<>();
        try (ResNetModel model = ResNetModel.load(dir)) {
            Embedder embedder = new Embedder(model, true);
            for (Path q : queries) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("query", q.toString());
                try {
                    List<FeatureIndex.Match> matches = index.nearest(embedder.embed(q), top);
                    List<Map<String, Object>> ms = new ArrayList<>();
                    for (FeatureIndex.Match m : matches) {
                        Map<String, Object> mm = new LinkedHashMap<>();
                        mm.put("file", m.file().toString());
                        mm.put("similarity", m.similarity());
                        ms.add(mm);
                    }
                    row.put("matches", ms);
                    if (!json) {
                        out.println(q + ":");
                        for (int i = 0; i < matches.size(); i++) {
                            out.printf(Locale.ROOT, "  %2d. %.4f  %s%n", i + 1, matches.get(i).similarity(), matches.get(i).file());
                        }
                    }
                } catch (ResNet4jException e) {
                    failed = true;
                    row.put("error", e.getMessage());
                    if (!json) {
                        err.println("resnet4j: " + e.getMessage());
                    }
                }
                rows.add(row);
            }
        }
        if (json) {
            out.println(Json.toJson(rows));
        }
        out.flush();
        err.flush();
        return failed ? 1 : 0;
    }
}
