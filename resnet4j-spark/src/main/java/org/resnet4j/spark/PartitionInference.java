package org.resnet4j.spark;

import java.nio.file.Path;
import java.util.Iterator;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkFiles;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.TaskCompletionListener;
import org.resnet4j.model.ResNetModel;

/**
 * The executor side of {@link ResNetSpark}: for each partition, the model directory's local copy
 * ({@link ModelFiles}, once per JVM), a model from the JVM's {@link ModelPool} for the length of the
 * task, and the partition's rows through it in batches ({@link BatchIterator}).
 */
final class PartitionInference implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    private final ImageTask task;
    private final InferenceOptions options;
    private final Broadcast<HadoopConf> conf;
    private final RowLayout layout;
    private final Counts counts;

    PartitionInference(ImageTask task, InferenceOptions options, Broadcast<HadoopConf> conf, RowLayout layout,
            Counts counts) {
        this.task = task;
        this.options = options;
        this.conf = conf;
        this.layout = layout;
        this.counts = counts;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        TaskContext context = TaskContext.get();
        // SparkFiles' root is the executor's work directory (the driver's temporary one in local mode),
        // which the cluster manager deletes with the application
        Configuration hadoop = conf.value().get();
        Path local = ModelFiles.local(options.modelDir(), hadoop,
                Path.of(SparkFiles.getRootDirectory()).toAbsolutePath());
        int threads = context == null ? 1 : Math.max(1, context.cpus()); // spark.task.cpus
        ResNetModel model = ModelPool.borrow(local, threads, options.precision());
        if (context != null) {
            context.addTaskCompletionListener((TaskCompletionListener) c -> ModelPool.release(local, model));
        }
        int partition = context == null ? -1 : context.partitionId();
        return new BatchIterator(rows, task.open(model), layout, options.batchSize(), partition, counts, hadoop);
    }
}
