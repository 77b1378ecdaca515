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

    private static double norm(float[] v, int from, int n) {
        double s = 0;
        for (int i = from; i < from + n; i++) {
            s += (double) v[i] * v[i];
        }
        return Math.sqrt(s);
    }
}
