package org.resnet4j.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a classifier got right and wrong on a labelled set: top-1 and top-5 error, mean
 * cross-entropy loss, per-class precision, recall, F1 and support, and the confusion matrix (rows
 * = true class, columns = predicted class), as in seed 001's {@code classification_report}.
 *
 * <p>Build one from logits in batches with {@link #accumulator(List)}, or at once with {@link #of}.
 */
public final class ClassificationReport {
    private final List<String> classes;
    private final long[][] confusion;
    private final long count;
    private final long top1Correct;
    private final long top5Correct;
    private final double lossSum;

    private ClassificationReport(List<String> classes, long[][] confusion, long count, long top1Correct,
            long top5Correct, double lossSum) {
        this.classes = List.copyOf(classes);
        this.confusion = confusion;
        this.count = count;
        this.top1Correct = top1Correct;
        this.top5Correct = top5Correct;
        this.lossSum = lossSum;
    }

    /** Per-class figures; precision is 0 for a class never predicted, recall 0 for one never present. */
    public record ClassMetrics(String name, double precision, double recall, double f1, long support) {}

    /** Collects logits and labels batch by batch. */
    public static final class Accumulator {
        private final List<String> classes;
        private final long[][] confusion;
        private long count;
        private long top1;
        private long top5;
        private double lossSum;

        private Accumulator(List<String> classes) {
            if (classes.isEmpty()) {
                throw new IllegalArgumentException("a classification report needs at least one class");
            }
            this.classes = List.copyOf(classes);
            this.confusion = new long[classes.size()][classes.size()];
        }

        /**
         * Adds {@code n} examples: {@code logits} holds n rows of K unnormalised scores (row-major),
         * {@code labels} their true classes.
         */
        public Accumulator add(float[] logits, int[] labels, int n) {
            int k = classes.size();
            if (logits.length < (long) n * k || labels.length < n) {
                throw new IllegalArgumentException("expected " + n + "x" + k + " logits and " + n + " labels, got "
                        + logits.length + " scores and " + labels.length + " labels");
            }
            int topK = Math.min(5, k);
            for (int i = 0; i < n; i++) {
                int label = labels[i];
                if (label < 0 || label >= k) {
                    throw new IllegalArgumentException("label " + label + " outside 0.." + (k - 1));
                }
                int off = i * k;
                int argmax = 0;
                float max = logits[off];
                for (int j = 1; j < k; j++) {
                    if (logits[off + j] > max) {
                        max = logits[off + j];
                        argmax = j;
                    }
                }
                double sumExp = 0;
                int higher = 0;
                float truth = logits[off + label];
                for (int j = 0; j < k; j++) {
                    sumExp += Math.exp(logits[off + j] - max);
                    if (logits[off + j] > truth) {
                        higher++;
                    }
                }
                lossSum += Math.log(sumExp) + max - truth;
                confusion[label][argmax]++;
                if (argmax == label) {
                    top1++;
                }
                if (higher < topK) {
                    top5++;
                }
                count++;
            }
            return this;
        }

        public ClassificationReport report() {
            long[][] copy = new long[confusion.length][];
            for (int i = 0; i < confusion.length; i++) {
                copy[i] = confusion[i].clone();
            }
            return new ClassificationReport(classes, copy, count, top1, top5, lossSum);
        }
    }

    public static Accumulator accumulator(List<String> classes) {
        return new Accumulator(classes);
    }

    /** A report from one row of logits per example. */
    public static ClassificationReport of(List<String> classes, float[][] logits, int[] labels) {
        Accumulator a = accumulator(classes);
        for (int i = 0; i < logits.length; i++) {
            a.add(logits[i], new int[] {labels[i]}, 1);
        }
        return a.report();
    }

    public List<String> classes() {
        return classes;
    }

    /** Number of examples. */
    public long count() {
        return count;
    }

    /** Fraction whose highest-scoring class is wrong. */
    public double top1Error() {
        return count == 0 ? 0 : 1.0 - (double) top1Correct / count;
    }

    /** Fraction whose true class is not among the five highest scores (all classes when fewer than five). */
    public double top5Error() {
        return count == 0 ? 0 : 1.0 - (double) top5Correct / count;
    }

    /** Mean cross-entropy (natural log) of the softmax of the logits. */
    public double loss() {
        return count == 0 ? 0 : lossSum / count;
    }

    /** Counts: {@code confusion()[trueClass][predictedClass]}; a copy. */
    public long[][] confusion() {
        long[][] copy = new long[confusion.length][];
        for (int i = 0; i < confusion.length; i++) {
            copy[i] = confusion[i].clone();
        }
        return copy;
    }

    public List<ClassMetrics> perClass() {
        int k = classes.size();
        List<ClassMetrics> out = new ArrayList<>(k);
        for (int c = 0; c < k; c++) {
            long tp = confusion[c][c];
            long support = 0;
            long predicted = 0;
            for (int j = 0; j < k; j++) {
                support += confusion[c][j];
                predicted += confusion[j][c];
            }
            double p = predicted == 0 ? 0 : (double) tp / predicted;
            double r = support == 0 ? 0 : (double) tp / support;
            double f1 = p + r == 0 ? 0 : 2 * p * r / (p + r);
            out.add(new ClassMetrics(classes.get(c), p, r, f1, support));
        }
        return out;
    }

    /**
     * The report as JSON-ready values: {@code top1_error, top5_error, loss, count, per_class[{class,
     * precision, recall, f1, support}], confusion[[...]]}, errors as fractions.
     */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("top1_error", top1Error());
        m.put("top5_error", top5Error());
        m.put("loss", loss());
        m.put("count", count);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (ClassMetrics c : perClass()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("class", c.name());
            r.put("precision", c.precision());
            r.put("recall", c.recall());
            r.put("f1", c.f1());
            r.put("support", c.support());
            rows.add(r);
        }
        m.put("per_class", rows);
        m.put("confusion", confusion());
        return m;
    }

    /** sklearn-style table, then top-1/top-5 error and loss, then the labelled confusion matrix. */
    public String toText() {
        List<ClassMetrics> rows = perClass();
        int nameWidth = "weighted avg".length();
        for (String c : classes) {
            nameWidth = Math.max(nameWidth, c.length());
        }
        StringBuilder s = new StringBuilder();
        String head = "%" + nameWidth + "s %10s %10s %10s %10s%n";
        String row = "%" + nameWidth + "s %10.2f %10.2f %10.2f %10d%n";
        s.append(String.format(Locale.ROOT, head, "", "precision", "recall", "f1-score", "support")).append('\n');
        double mp = 0, mr = 0, mf = 0, wp = 0, wr = 0, wf = 0;
        for (ClassMetrics c : rows) {
            s.append(String.format(Locale.ROOT, row, c.name(), c.precision(), c.recall(), c.f1(), c.support()));
            mp += c.precision();
            mr += c.recall();
            mf += c.f1();
            wp += c.precision() * c.support();
            wr += c.recall() * c.support();
            wf += c.f1() * c.support();
        }
        int k = rows.size();
        double n = Math.max(1, count);
        s.append('\n');
        s.append(String.format(Locale.ROOT, "%" + nameWidth + "s %10s %10s %10.2f %10d%n", "accuracy", "", "",
                1 - top1Error(), count));
        s.append(String.format(Locale.ROOT, row, "macro avg", mp / k, mr / k, mf / k, count));
        s.append(String.format(Locale.ROOT, row, "weighted avg", wp / n, wr / n, wf / n, count));
        s.append('\n');
        s.append(String.format(Locale.ROOT, "top-1 error %.2f%%, top-5 error %.2f%%, loss %.4f on %d images%n",
                100 * top1Error(), 100 * top5Error(), loss(), count));
        s.append('\n').append(confusionText());
        return s.toString();
    }

    /** The confusion matrix with class names: rows are true classes, columns predicted ones. */
    public String confusionText() {
        int k = classes.size();
        int nameWidth = "true \\ predicted".length();
        long max = 0;
        for (int i = 0; i < k; i++) {
            nameWidth = Math.max(nameWidth, classes.get(i).length());
            for (int j = 0; j < k; j++) {
                max = Math.max(max, confusion[i][j]);
            }
        }
        int cell = Long.toString(max).length();
        for (String c : classes) {
            cell = Math.max(cell, Math.min(c.length(), 10));
        }
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "%-" + nameWidth + "s", "true \\ predicted"));
        for (String c : classes) {
            s.append(' ').append(String.format(Locale.ROOT, "%" + cell + "s", c.length() > cell ? c.substring(0, cell) : c));
        }
        s.append('\n');
        for (int i = 0; i < k; i++) {
            s.append(String.format(Locale.ROOT, "%-" + nameWidth + "s", classes.get(i)));
            for (int j = 0; j < k; j++) {
                s.append(' ').append(String.format(Locale.ROOT, "%" + cell + "d", confusion[i][j]));
            }
            s.append('\n');
        }
        return s.toString();
    }
}
