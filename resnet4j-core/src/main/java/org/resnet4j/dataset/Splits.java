package org.resnet4j.dataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;

/** Stratified, seeded subsets: every class keeps its share, and the same seed picks the same images. */
public final class Splits {
    private Splits() {}

    /**
     * {@code --val-split}'s default for a training set of {@code trainSize} images: the paper's 45k/5k
     * split of CIFAR (section 4.2), and a tenth of smaller training sets.
     */
    public static int defaultValCount(int trainSize) {
        return Math.min(5000, trainSize / 10);
    }

    /** Holds {@code valCount} images out of {@code train}, stratified by class and fixed by {@code seed}. */
    @SuppressWarnings("unchecked")
    public static <S extends Samples> Split<S> holdOut(S train, int valCount, long seed) {
        if (valCount == 0) {
            return new Split<>(train, null);
        }
        if (valCount < 0 || valCount >= train.size()) {
            throw new UsageException("--val-split " + valCount + ": must be between 0 and " + (train.size() - 1)
                    + " (the training set has " + train.size() + " images)");
        }
        boolean[] inVal = choose(train, valCount, seed);
        int[] val = new int[valCount];
        int[] rest = new int[train.size() - valCount];
        int v = 0;
        int r = 0;
        for (int i = 0; i < train.size(); i++) {
            if (inVal[i]) {
                val[v++] = i;
            } else {
                rest[r++] = i;
            }
        }
        return new Split<>((S) train.subset(rest).withName("train"), (S) train.subset(val).withName("val"));
    }

    /** {@code count} images of {@code set}, stratified by class and fixed by {@code seed}, in their original order. */
    @SuppressWarnings("unchecked")
    public static <S extends Samples> S stratifiedSubset(S set, int count, long seed) {
        if (count < 0 || count > set.size()) {
            throw new ResNet4jException("cannot take " + count + " images from " + set.name() + ", which has " + set.size());
        }
        boolean[] chosen = choose(set, count, seed);
        return (S) set.subset(java.util.stream.IntStream.range(0, set.size()).filter(i -> chosen[i]).toArray());
    }

    /** Marks {@code count} images: each class gets its proportional share (largest remainder), picked at random. */
    private static boolean[] choose(Samples set, int count, long seed) {
        int classes = set.classes().size();
        List<List<Integer>> byClass = new ArrayList<>();
        for (int c = 0; c < classes; c++) {
            byClass.add(new ArrayList<>());
        }
        for (int i = 0; i < set.size(); i++) {
            byClass.get(set.label(i)).add(i);
        }
        int n = set.size();
        int[] quota = new int[classes];
        double[] remainder = new double[classes];
        int given = 0;
        for (int c = 0; c < classes; c++) {
            double exact = (double) count * byClass.get(c).size() / n;
            quota[c] = (int) Math.floor(exact);
            remainder[c] = exact - quota[c];
            given += quota[c];
        }
        Integer[] order = new Integer[classes];
        for (int c = 0; c < classes; c++) {
            order[c] = c;
        }
        Arrays.sort(order, (a, b) -> remainder[a] != remainder[b] ? Double.compare(remainder[b], remainder[a]) : Integer.compare(a, b));
        for (int k = 0; given < count; k = (k + 1) % classes) {
            int c = order[k];
            if (quota[c] < byClass.get(c).size()) {
                quota[c]++;
                given++;
            }
        }
        boolean[] chosen = new boolean[n];
        SplittableRandom random = new SplittableRandom(seed);
        for (int c = 0; c < classes; c++) {
            int[] members = byClass.get(c).stream().mapToInt(Integer::intValue).toArray();
            for (int k = 0; k < quota[c]; k++) { // partial Fisher-Yates
                int j = k + random.nextInt(members.length - k);
                int t = members[k];
                members[k] = members[j];
                members[j] = t;
                chosen[members[k]] = true;
            }
        }
        return chosen;
    }
}
