package org.resnet4j.spark;

import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.resnet4j.eval.Predictor;

/**
 * ResNet4J models on Apache Spark: classify or embed every image of a data lake as a Spark job.
 *
 * <pre>{@code
 * Dataset<Row> images = ResNetSpark.readImages(spark, "s3a://bucket/photos/");
 * Dataset<Row> labelled = ResNetSpark.predict(images, InferenceOptions.of("s3a://bucket/models/resnet50").withTopK(3));
 * labelled.write().parquet("s3a://bucket/labels/");
 * }</pre>
 *
 * <p>The driver only plans: it checks that the model directory exists and loads no model. Each
 * executor JVM copies the model directory to its local disk once and loads one model per task it
 * runs at the same time (its cores / {@code spark.task.cpus}), each computing with
 * {@code spark.task.cpus} engine threads; the models are reused by every later task and partition.
 * Images are prepared exactly as {@code resnet4j predict} and {@code embed} prepare files (the
 * core's {@link Predictor}, with the eval preset recorded in the model directory), so the results
 * are the same, row for row.
 */
public final class ResNetSpark {
    private ResNetSpark() {}

    /**
     * The image files under {@code path} (any Hadoop file system; folders searched recursively), one
     * row per file: Spark's {@code binaryFile} columns {@code path}, {@code modificationTime},
     * {@code length} and {@code content}. Files are taken by their extension (jpg, jpeg, png, bmp,
     * gif, in lower or upper case), as {@code resnet4j predict} takes them from a folder.
     */
    public static Dataset<Row> readImages(SparkSession spark, String path) {
        return spark.read().format("binaryFile")
                .option("recursiveFileLookup", "true")
                .option("pathGlobFilter", imageGlob())
                .load(path);
    }

    /** {@code *.{jpg,JPG,...}}: Hadoop's glob filter knows no case-insensitive match. */
    static String imageGlob() {
        return Predictor.IMAGE_EXTENSIONS.stream().sorted()
                .flatMap(e -> Stream.of(e, e.toUpperCase(Locale.ROOT)))
                .collect(Collectors.joining(",", "*.{", "}"));
    }

    /**
     * {@code images} (as {@link #readImages} gives them) with the columns {@code label} (the most
     * probable class), {@code probability} (its softmax probability), {@code top_k} (array of
     * {@code {label, probability}}, the {@link InferenceOptions#topK} most probable classes) and
     * {@code error}: null, or for an image that cannot be decoded the reason, with the other new
     * columns null. The image bytes ({@code content}) are dropped; the other columns stay. Rows without a
     * {@code content} column (e.g. {@code readImages(...).drop("content")}) are read from their {@code path}
     * by the executors, and a file that cannot be read gets its reason in {@code error} too.
     */
    public static Dataset<Row> predict(Dataset<Row> images, InferenceOptions options) {
        return run(images, options, new Classification(options.topK()), null);
    }

    /**
     * {@code images} with the columns {@code embedding} (array of float: the features that
     * {@code resnet4j embed} writes for the image, L2-normalised unless
     * {@link InferenceOptions#withNormalizedEmbeddings} says otherwise) and {@code error}, as
     * {@link #predict}.
     */
    public static Dataset<Row> embed(Dataset<Row> images, InferenceOptions options) {
        return run(images, options, new Embedding(options.normalizeEmbeddings()), null);
    }

    /** {@link #predict} or {@link #embed} with {@code counts} (or null) counting images and errors; for {@link PredictJob}. */
    static Dataset<Row> run(Dataset<Row> images, InferenceOptions options, ImageTask task, Counts counts) {
        RowLayout layout = RowLayout.of(images.schema(), task);
        SparkSession spark = images.sparkSession();
        // the context's configuration holds core-site.xml and every spark.hadoop.* setting
        var hadoop = spark.sparkContext().hadoopConfiguration();
        ModelFiles.check(options.modelDir(), hadoop);
        Broadcast<HadoopConf> conf = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(new HadoopConf(hadoop));
        return images.mapPartitions(new PartitionInference(task, options, conf, layout, counts), Encoders.row(layout.output()));
    }
}
