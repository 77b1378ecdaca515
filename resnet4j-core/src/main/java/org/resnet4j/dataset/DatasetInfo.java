package org.resnet4j.dataset;

import com.google.gson.annotations.SerializedName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code data info} reports: classes, images per split and per class, image shape, and the
 * per-channel mean and standard deviation (0..1 units) of the training split (of the test split
 * when there is no training split); for a folder of images of different sizes, the range of sizes.
 */
public record DatasetInfo(String dataset, List<String> classes, int[] shape, Map<String, SplitCounts> splits, float[] mean,
        float[] std, String sizes) {
    /** Images in one split, in total and per class. */
    public record SplitCounts(int count, @SerializedName("per_class") int[] perClass) {}

    public static DatasetInfo of(LoadedDataset d) {
        Map<String, SplitCounts> splits = new LinkedHashMap<>();
        for (Samples s : new Samples[] {d.train(), d.test()}) {
            if (s != null) {
                int[] perClass = new int[d.classes().size()];
                for (int l : s.labels()) {
                    perClass[l]++;
                }
                splits.put(s.name(), new SplitCounts(s.size(), perClass));
            }
        }
        Samples stats = d.train() != null ? d.train() : d.test();
        if (stats instanceof ImageFiles files) {
            return ofFiles(d, splits, files);
        }
        ImageSet set = (ImageSet) stats;
        Normalization n = Normalization.compute(set, Normalization.PER_CHANNEL);
        return new DatasetInfo(d.name(), d.classes(), set.shape(), splits, n.mean(), n.std(), null);
    }

    /**
     * Files of mixed sizes: each decoded once; {@code shape} is the largest channels, height and width,
     * {@code sizes} the range of sizes, the statistics over all their pixels (grey counted as RGB when
     * any image is in colour).
     */
    private static DatasetInfo ofFiles(LoadedDataset d, Map<String, SplitCounts> splits, ImageFiles files) {
        int parts = Runtime.getRuntime().availableProcessors();
        double[][] sum = new double[parts][3];
        double[][] sq = new double[parts][3];
        long[] pixels = new long[parts];
        int[][] range = new int[parts][];
        boolean[] colour = new boolean[parts];
        java.util.stream.IntStream.range(0, parts).parallel().forEach(part -> {
            int[] r = {Integer.MAX_VALUE, Integer.MAX_VALUE, 0, 0}; // min h, min w, max h, max w
            for (int i = part; i < files.size(); i += parts) {
                Picture p;
                try {
                    p = Decoders.best().decode(files.bytes(i));
                } catch (ImageDecodeException e) {
                    if (files.skipBad()) {
                        continue;
                    }
                    throw new org.resnet4j.ResNet4jException(files.describe(i) + ": " + e.getMessage()
                            + "; use --skip-bad to skip such images");
                }
                colour[part] |= p.channels() == 3;
                r[0] = Math.min(r[0], p.height());
                r[1] = Math.min(r[1], p.width());
                r[2] = Math.max(r[2], p.height());
                r[3] = Math.max(r[3], p.width());
                byte[] px = p.bytes();
                int c = p.channels();
                for (int k = 0; k < px.length; k++) {
                    double v = (px[k] & 0xFF) / 255.0;
                    for (int ch = c == 3 ? k % 3 : 0; ch < 3; ch += c == 3 ? 3 : 1) { // grey counts for R, G and B
                        sum[part][ch] += v;
                        sq[part][ch] += v * v;
                    }
                }
                pixels[part] += px.length / c;
            }
            range[part] = r;
        });
        int[] r = {Integer.MAX_VALUE, Integer.MAX_VALUE, 0, 0};
        double[] s = new double[3];
        double[] q = new double[3];
        long n = 0;
        boolean rgb = false;
        for (int part = 0; part < parts; part++) {
            r[0] = Math.min(r[0], range[part][0]);
            r[1] = Math.min(r[1], range[part][1]);
            r[2] = Math.max(r[2], range[part][2]);
            r[3] = Math.max(r[3], range[part][3]);
            for (int ch = 0; ch < 3; ch++) {
                s[ch] += sum[part][ch];
                q[ch] += sq[part][ch];
            }
            n += pixels[part];
            rgb |= colour[part];
        }
        if (n == 0) {
            throw new org.resnet4j.ResNet4jException(d.source() + ": no decodable images");
        }
        int c = rgb ? 3 : 1;
        float[] mean = new float[c];
        float[] std = new float[c];
        for (int ch = 0; ch < c; ch++) {
            double m = s[ch] / n;
            mean[ch] = (float) m;
            std[ch] = (float) Math.sqrt(Math.max(0, q[ch] / n - m * m));
        }
        String sizes = r[1] + "x" + r[0] + " to " + r[3] + "x" + r[2] + " (width x height)";
        return new DatasetInfo(d.name(), d.classes(), new int[] {c, r[2], r[3]}, splits, mean, std, sizes);
    }
}
