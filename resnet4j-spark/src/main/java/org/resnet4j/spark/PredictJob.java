package org.resnet4j.spark;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;
import org.resnet4j.cli.Main;
import org.resnet4j.util.AtomicFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code spark-submit} entry point: classifies (or embeds) every image under {@code --input} and
 * writes one row per image to {@code --output}, Parquet by default. Errors are the tool's: one line,
 * exit code 2 for a bad command line and 1 for anything else.
 */
@Command(name = "PredictJob", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = PredictJob.Version.class,
        description = {"Classify or embed every image under --input with a ResNet4J model, on Spark.",
            "Writes one row per image file: path, modificationTime, length, then label, probability, top_k "
                    + "(or embedding, with --embed) and error (null, or why the image could not be decoded; "
                    + "a bad image does not stop the job).",
            "URIs may name any Hadoop file system (hdfs://, s3a://, gs://, abfss://, file:/ or a path)."},
        exitCodeListHeading = "%nExit codes:%n", exitCodeList = {"0:output written", "1:error (one line on stderr)",
            "2:bad command line"})
public final class PredictJob implements Callable<Integer> {
    /** Output formats. */
    enum Format { parquet, json }

    @Option(names = "--model-dir", required = true, paramLabel = "URI", description = "Model directory (from train or import).")
    String modelDir;

    @Option(names = "--input", required = true, paramLabel = "URI",
            description = "Folder of images (jpg, jpeg, png, bmp, gif), searched recursively.")
    String input;

    @Option(names = "--output", required = true, paramLabel = "URI", description = "Where to write the rows; must not exist.")
    String output;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "parquet",
            description = "parquet or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--embed", description = "Write each image's embedding (as 'resnet4j embed') instead of its classes.")
    boolean embed;

    @Option(names = "--raw", description = "With --embed: the features as the network computes them, not L2-normalised.")
    boolean raw;

    @Option(names = "--top", paramLabel = "K", defaultValue = "5", description = "Classes per image in top_k (default: ${DEFAULT-VALUE}).")
    int top;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "64",
            description = "Images per forward pass (default: ${DEFAULT-VALUE}, as resnet4j predict).")
    int batchSize;

    @Option(names = "--precision", paramLabel = "P", defaultValue = "fp32", description = "Arithmetic: fp32 (default) or bf16 (bfloat16 mixed precision, as resnet4j predict --precision bf16; an executor whose CPU lacks AVX512_BF16 or AMX logs a warning and computes in fp32).")
    String precision;

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = execute(args);
        SparkSession.getActiveSession().foreach(s -> {
            s.stop();
            return null;
        });
        System.exit(code);
    }

    /** Runs the job in this JVM's Spark session (created if none is active) and returns the exit code; tests call it. */
    public static int execute(String... args) {
        return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = Main.withErrorHandling(new CommandLine(new PredictJob()));
        cli.setOut(out);
        cli.setErr(err);
        return cli.execute(args);
    }

    @Override
    public Integer call() throws IOException {
        if (raw && !embed) {
            throw new UsageException("--raw: only with --embed");
        }
        InferenceOptions options = InferenceOptions.of(modelDir).withBatchSize(batchSize).withTopK(top)
                .withPrecision(precision).withNormalizedEmbeddings(!raw);
        SparkSession spark = session();
        var hadoop = spark.sparkContext().hadoopConfiguration();
        Path out = new Path(output);
        if (out.getFileSystem(hadoop).exists(out)) {
            throw new UsageException("--output: " + output + " already exists; name a new location");
        }
        long start = System.nanoTime();
        // Without the content column binaryFile lists the files and reads only their status, and each task reads
        // its images itself: a file that cannot be read (no permission, an I/O error) marks its own row instead
        // of failing the task, and Spark holds no copies of the bytes.
        Dataset<Row> images = ResNetSpark.readImages(spark, input).drop(RowLayout.CONTENT);
        if (images.inputFiles().length == 0) {
            throw new UsageException("--input: no image files (" + ResNetSpark.imageGlob() + ") under " + input);
        }
        Counts counts = Counts.register(spark);
        ImageTask task = embed ? new Embedding(options.normalizeEmbeddings()) : new Classification(options.topK());
        ResNetSpark.run(images, options, task, counts).write().format(format.name()).save(output);
        double seconds = (System.nanoTime() - start) / 1e9;
        long n = counts.images().value();
        long errors = counts.errors().value();
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.printf(Locale.ROOT, "resnet4j: %s %,d images (%,d with an error) into %s (%s) in %.1f s%n",
                embed ? "embedded" : "classified", n, errors, output, format, seconds);
        stdout.printf(Locale.ROOT, "resnet4j: models loaded in this JVM (the driver, pid %d): %d%n",
                ProcessHandle.current().pid(), ModelPool.loads());
        stdout.flush();
        return 0;
    }

    /**
     * The active session, or a new one from spark-submit's settings (with {@link NioLocalFileSystem} for {@code file:}
     * paths unless they name a file system); without a master, one clear line.
     */
    private static SparkSession session() {
        SparkSession.Builder builder = SparkSession.builder().appName("resnet4j " + "PredictJob");
        if (SparkSession.getActiveSession().isEmpty()) {
            SparkConf submitted = new SparkConf();
            if (!submitted.contains("spark.master")) {
                throw new UsageException("no Spark master: run PredictJob with spark-submit --master URL (or java "
                        + "-Dspark.master=local[N] for one machine)");
            }
            if (!submitted.contains(NioLocalFileSystem.SPARK_SETTING)) {
                builder.config(NioLocalFileSystem.SPARK_SETTING, NioLocalFileSystem.class.getName());
            }
        }
        try {
            return builder.getOrCreate();
        } catch (RuntimeException e) {
            throw new ResNet4jException("cannot start Spark: " + AtomicFiles.describe(e), e);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"resnet4j-spark " + org.resnet4j.util.Versions.resnet4j() + ", Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION()};
        }
    }
}
