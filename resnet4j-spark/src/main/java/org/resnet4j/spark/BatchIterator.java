package org.resnet4j.spark;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.resnet4j.ResNet4jException;
import org.resnet4j.eval.Predictor;
import org.resnet4j.util.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition's output rows, computed a batch at a time as Spark pulls them, so that a task holds
 * one batch of images, not its whole partition. An image that cannot be read or decoded gets its message in
 * {@code error} and nulls in the other columns; the rest of its batch is computed as usual.
 */
final class BatchIterator implements Iterator<Row> {
    private static final Logger LOG = LoggerFactory.getLogger(BatchIterator.class);

    private final Iterator<Row> input;
    private final ImageTask.Runner runner;
    private final RowLayout layout;
    private final int batchSize;
    private final int partition;
    private final Counts counts;
    /** The Hadoop configuration to read the files with where the rows do not carry their bytes. */
    private final Configuration conf;
    private final Deque<Row> ready = new ArrayDeque<>();
    private final long start = System.nanoTime();
    private long images;
    private long errors;

    /**
     * {@code counts}: where to add this partition's images and errors when it is done, or null; {@code conf}:
     * the Hadoop configuration to read the files of rows without their bytes with.
     */
    BatchIterator(Iterator<Row> input, ImageTask.Runner runner, RowLayout layout, int batchSize, int partition,
            Counts counts, Configuration conf) {
        this.input = input;
        this.runner = runner;
        this.layout = layout;
        this.batchSize = batchSize;
        this.partition = partition;
        this.counts = counts;
        this.conf = conf;
    }

    @Override
    public boolean hasNext() {
        if (ready.isEmpty() && input.hasNext()) {
            computeBatch();
            if (!input.hasNext()) {
                // one line per partition: which JVM did how much (bench/spark-cluster counts these)
                LOG.info("resnet4j-spark: partition {} done: {} images, {} errors, {} ms, pid {}", partition, images, errors,
                        (System.nanoTime() - start) / 1_000_000, ProcessHandle.current().pid());
                if (counts != null) {
                    counts.images().add(images);
                    counts.errors().add(errors);
                }
            }
        }
        return !ready.isEmpty();
    }

    @Override
    public Row next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        return ready.removeFirst();
    }

    private void computeBatch() {
        List<Row> rows = new ArrayList<>(batchSize);
        List<String> failures = new ArrayList<>(batchSize);
        List<float[]> prepared = new ArrayList<>(batchSize);
        while (rows.size() < batchSize && input.hasNext()) {
            Row row = input.next();
            rows.add(row);
            String error = null;
            try {
                prepared.add(prepare(row));
            } catch (RuntimeException e) {
                // any failure to decode is the image's, not the job's: a decoder's own bug on a
                // malformed file included
                error = e instanceof ResNet4jException ? e.getMessage()
                        : layout.path(row) + ": cannot decode (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")";
            }
            failures.add(error);
        }
        List<Object[]> values = prepared.isEmpty() ? List.of() : runner.run(prepared);
        int next = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            String error = failures.get(i);
            Object[] v = error == null ? values.get(next++) : null;
            if (error == null && v == null) {
                error = layout.path(row) + ": " + Predictor.NOT_FINITE;
            }
            images++;
            errors += error == null ? 0 : 1;
            ready.addLast(layout.output(row, v, error));
        }
    }

    private float[] prepare(Row row) {
        byte[] bytes = layout.hasContent() ? layout.content(row) : read(row);
        if (bytes == null) {
            throw new ResNet4jException(layout.path(row) + ": no content (the file could not be read, or is over 2 GiB)");
        }
        return runner.prepare(bytes, layout.path(row));
    }

    private byte[] read(Row row) {
        String path = layout.path(row);
        if (!layout.hasPath(row)) {
            throw new ResNet4jException(path + ": no file to read");
        }
        try {
            return ImageBytes.read(path, conf);
        } catch (IOException e) {
            throw new ResNet4jException(path + ": cannot read (" + AtomicFiles.describe(e) + ")", e);
        }
    }
}
