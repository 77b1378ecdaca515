package org.resnet4j.dataset;

import com.google.gson.annotations.SerializedName;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code data info} reports: classes, images per split and per class, image shape, and the
 * per-channel mean and standard deviation (0..1 units) of the training split (of the test split
 * when there is no training split).
 */
public record DatasetInfo(String dataset, List<String> classes, int[] shape, Map<String, SplitCounts> splits, float[] mean,
        float[] std) {
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
        ImageSet stats = d.train() != null ? d.trainImages() : d.testImages();
        Normalization n = Normalization.compute(stats, Normalization.PER_CHANNEL);
        return new DatasetInfo(d.name(), d.classes(), stats.shape(), splits, n.mean(), n.std());
    }
}
