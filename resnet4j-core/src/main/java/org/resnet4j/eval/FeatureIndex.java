package org.resnet4j.eval;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import org.resnet4j.ResNet4jException;

/**
 * Features of indexed images, searched by cosine similarity.
 *
 * @param files the images, in row order
 * @param features {@code files.size() x dim}, row-major
 * @param meta what {@link FeatureFile} recorded (model directory, normalisation)
 */
public record FeatureIndex(List<Path> files, float[] features, int dim, JsonObject meta) {
    /** An indexed image and its cosine similarity to the query. */
    public record Match(Path file, int row, double similarity) {}

    /** The {@code k} indexed images most similar to {@code query}, most similar first (ties: lower row first). */
    public List<Match> nearest(float[] query, int k) {
        if (query.length != dim) {
            throw new ResNet4jException("the query has " + query.length + " features but the index has " + dim
                    + " (made with another model?)");
        }
        double qn = norm(query, 0, dim);
        PriorityQueue<Match> best = new PriorityQueue<>((a, b) -> a.similarity() != b.similarity()
                ? Double.compare(a.similarity(), b.similarity()) : Integer.compare(b.row(), a.row()));
        for (int i = 0; i < files.size(); i++) {
            double dot = 0;
            int base = i * dim;
            for (int d = 0; d < dim; d++) {
                dot += (double) query[d] * features[base + d];
            }
            double rn = norm(features, base, dim);
            double cos = qn == 0 || rn == 0 ? 0 : dot / (qn * rn);
            best.add(new Match(files.get(i), i, cos));
            if (best.size() > k) {
                best.poll();
            }
        }
        List<Match> out = new ArrayList<>(best);
        out.sort((a, b) -> a.similarity() != b.similarity()
                ? Double.compare(b.similarity(), a.similarity()) : Integer.compare(a.row(), b.row()));
        return out;
    }

    /** How a k-nearest-neighbour classifier over this index does on labelled queries. */
    public record KnnResult(int k, int correct, int count, List<String> classes) {
        public double accuracy() {
            return count == 0 ? 0 : (double) correct / count;
        }
    }

    /**
     * Classifies every row of {@code queries} by a vote of its {@code k} most similar indexed images
     * (cosine; a tie goes to the class of the more similar image) and counts how often that is the
     * query's own class. An image's class is the name of the folder it is in
     * ({@code train/cat/0001.jpg} is a cat), as for folder data sets.
     */
    public KnnResult knn(FeatureIndex queries, int k) {
        if (queries.dim() != dim) {
            throw new ResNet4jException("the queries have " + queries.dim() + " features but the index has " + dim
                    + " (made with another model?)");
        }
        List<String> labels = files.stream().map(FeatureIndex::label).toList();
        float[] index = unitRows(features, files.size(), dim);
        float[] q = unitRows(queries.features(), queries.files().size(), dim);
        int correct = java.util.stream.IntStream.range(0, queries.files().size()).parallel().map(i -> {
            int[] best = new int[k];
            float[] bestSim = new float[k];
            java.util.Arrays.fill(best, -1);
            java.util.Arrays.fill(bestSim, Float.NEGATIVE_INFINITY);
            for (int r = 0; r < files.size(); r++) {
                float dot = 0;
                for (int d = 0, a = i * dim, b = r * dim; d < dim; d++) {
                    dot += q[a + d] * index[b + d];
                }
                if (dot > bestSim[k - 1]) { // insert, keeping the list sorted, most similar first
                    int at = k - 1;
                    while (at > 0 && dot > bestSim[at - 1]) {
                        bestSim[at] = bestSim[at - 1];
                        best[at] = best[at - 1];
                        at--;
                    }
                    bestSim[at] = dot;
                    best[at] = r;
                }
            }
            java.util.Map<String, Integer> votes = new java.util.LinkedHashMap<>();
            for (int r : best) {
                if (r >= 0) {
                    votes.merge(labels.get(r), 1, Integer::sum);
                }
            }
            String predicted = votes.entrySet().stream().max((x, y) -> Integer.compare(x.getValue(), y.getValue()))
                    .map(java.util.Map.Entry::getKey).orElse("");
            return predicted.equals(label(queries.files().get(i))) ? 1 : 0;
        }).sum();
        return new KnnResult(k, correct, queries.files().size(), labels.stream().distinct().sorted().toList());
    }

    /** The class of an image file: the name of its folder. */
    static String label(Path file) {
        Path parent = file.getParent();
        return parent == null ? "" : parent.getFileName().toString();
    }

    private static float[] unitRows(float[] v, int n, int dim) {
        float[] out = v.clone();
        for (int i = 0; i < n; i++) {
            Embedder.normalize(out, i * dim, dim);
        }
        return out;
    }

    private static double norm(float[] v, int from, int n) {
        double s = 0;
        for (int i = from; i < from + n; i++) {
            s += (double) v[i] * v[i];
        }
        return Math.sqrt(s);
    }
}
