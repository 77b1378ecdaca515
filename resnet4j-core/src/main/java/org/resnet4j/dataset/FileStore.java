package org.resnet4j.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.resnet4j.ResNet4jException;
import org.resnet4j.util.AtomicFiles;

/**
 * The image files of a folder data set, in a directory or read in place from a zip. Their encoded
 * bytes stay in memory once read, while the total fits {@code budget} bytes; the rest are read from
 * disk again each epoch. Safe for concurrent readers (the loader's workers).
 */
final class FileStore {
    private final Path source;
    private final boolean zip;
    private final List<String> names;
    private final AtomicReferenceArray<byte[]> cache;
    private final AtomicLong budgetLeft;
    private volatile ZipFile zipFile;

    /**
     * @param source the directory or zip file
     * @param zip whether {@code names} are entries of the zip {@code source} (else paths relative to the directory)
     * @param budget bytes of encoded images to keep in memory (0: read every time)
     */
    FileStore(Path source, boolean zip, List<String> names, long budget) {
        this.source = source;
        this.zip = zip;
        this.names = List.copyOf(names);
        this.cache = new AtomicReferenceArray<>(names.size());
        this.budgetLeft = new AtomicLong(Math.max(0, budget));
    }

    /** A quarter of the maximum heap: the default budget for encoded images. */
    static long defaultBudget() {
        return Runtime.getRuntime().maxMemory() / 4;
    }

    int size() {
        return names.size();
    }

    /** How an error names file {@code id}: its path, or {@code archive.zip!/entry}. */
    String describe(int id) {
        return zip ? source + "!/" + names.get(id) : source.resolve(names.get(id)).toString();
    }

    /** File {@code id}'s path in the directory or zip (for fingerprints). */
    String name(int id) {
        return names.get(id);
    }

    byte[] read(int id) {
        byte[] b = cache.get(id);
        if (b != null) {
            return b;
        }
        try {
            b = zip ? readEntry(names.get(id)) : Files.readAllBytes(source.resolve(names.get(id)));
        } catch (IOException e) {
            throw new ResNet4jException("cannot read " + describe(id) + ": " + AtomicFiles.describe(e), e);
        }
        if (budgetLeft.addAndGet(-b.length) >= 0) {
            cache.set(id, b);
        } else {
            budgetLeft.addAndGet(b.length);
        }
        return b;
    }

    private byte[] readEntry(String name) throws IOException {
        ZipFile z = zipFile;
        if (z == null) {
            synchronized (this) {
                if (zipFile == null) {
                    zipFile = new ZipFile(source.toFile());
                }
                z = zipFile;
            }
        }
        ZipEntry e = z.getEntry(name);
        if (e == null) {
            throw new java.io.FileNotFoundException("no entry " + name);
        }
        try (InputStream in = z.getInputStream(e)) {
            return in.readAllBytes();
        }
    }
}
