package org.resnet4j.dataset;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The image files of one split of a folder data set, indexed (paths and labels) but not decoded: the
 * loader's workers decode each when its batch is prepared, so memory holds batches, not the data set.
 * Files of any size and format; subsets share the files and the cache of encoded bytes.
 */
public final class ImageFiles implements Samples {
    private final String name;
    private final List<String> classes;
    private final FileStore store;
    private final int[] ids;
    private final int[] labels;
    private final boolean skipBad;
    private final Set<Integer> bad;

    ImageFiles(String name, List<String> classes, FileStore store, int[] ids, int[] labels, boolean skipBad, Set<Integer> bad) {
        if (ids.length != labels.length) {
            throw new IllegalArgumentException(ids.length + " files but " + labels.length + " labels");
        }
        this.name = name;
        this.classes = List.copyOf(classes);
        this.store = store;
        this.ids = ids;
        this.labels = labels;
        this.skipBad = skipBad;
        this.bad = bad;
    }

    ImageFiles(String name, List<String> classes, FileStore store, int[] ids, int[] labels, boolean skipBad) {
        this(name, classes, store, ids, labels, skipBad, ConcurrentHashMap.newKeySet());
    }

    @Override
    public String name() { return name; }
    @Override
    public List<String> classes() { return classes; }
    @Override
    public int size() { return ids.length; }
    @Override
    public int label(int i) { return labels[i]; }
    @Override
    public int[] labels() { return labels; }

    /** The encoded bytes of image {@code i}. */
    public byte[] bytes(int i) {
        return store.read(ids[i]);
    }

    /** How errors name image {@code i}'s file. */
    public String describe(int i) {
        return store.describe(ids[i]);
    }

    String fileName(int i) {
        return store.name(ids[i]);
    }

    /** Whether undecodable images are skipped (and counted) rather than an error ({@code --skip-bad}). */
    public boolean skipBad() {
        return skipBad;
    }

    /** Records image {@code i} as undecodable; true the first time. */
    boolean markBad(int i) {
        return bad.add(ids[i]);
    }

    /** Undecodable files found so far, over this split and its subsets. */
    public int badCount() {
        return bad.size();
    }

    @Override
    public ImageFiles subset(int[] indices) {
        int[] i2 = new int[indices.length];
        int[] l2 = new int[indices.length];
        for (int k = 0; k < indices.length; k++) {
            i2[k] = ids[indices[k]];
            l2[k] = labels[indices[k]];
        }
        return new ImageFiles(name, classes, store, i2, l2, skipBad, bad);
    }

    @Override
    public ImageFiles withName(String newName) {
        return new ImageFiles(newName, classes, store, ids, labels, skipBad, bad);
    }
}
