package org.resnet4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.eval.Embedder;
import org.resnet4j.eval.Predictor;
import org.resnet4j.model.Precision;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.util.Devices;

/**
 * {@link ResNetSpark} in {@code local[2]} on 300 CIFAR-10 test JPEGs and two broken files, against
 * the single-process road ({@link Predictor}, {@link Embedder}: what {@code resnet4j predict} and
 * {@code embed} print and write): the same values for every image, an error of its own for each
 * broken file.
 */
class ResNetSparkTest {
    static final int PER_CLASS = 30;

    @TempDir static Path tmp;
    static Path folder;
    static SparkSession spark;
    static Dataset<Row> images;

    @BeforeAll
    static void setUp() throws Exception {
        CifarSample.assumeData();
        folder = CifarSample.write(tmp.resolve("cifar"), PER_CLASS);
        spark = LocalSpark.session();
        images = ResNetSpark.readImages(spark, folder.toUri().toString());
    }

    static InferenceOptions options() {
        return InferenceOptions.of(CifarSample.MODEL.toAbsolutePath().toString());
    }

    /** Spark's rows by the file they came from. */
    static Map<Path, Row> byFile(List<Row> rows) {
        Map<Path, Row> out = new HashMap<>();
        for (Row r : rows) {
            out.put(Path.of(URI.create(r.getAs("path"))), r);
        }
        return out;
    }

    @Test
    void predictionsEqualTheSingleProcessPredictorsRowForRow() {
        List<Row> rows = ResNetSpark.predict(images, options().withTopK(3)).collectAsList();
        List<Predictor.Result> expected;
        try (ResNetModel model = ResNetModel.load(CifarSample.MODEL)) {
            expected = new Predictor(model).predict(List.of(folder), 3);
        }
        Map<Path, Row> spark = byFile(rows);
        assertThat(rows).hasSize(10 * PER_CLASS + 2); // the README.txt is no image
        assertThat(spark.keySet()).containsExactlyInAnyOrderElementsOf(expected.stream().map(Predictor.Result::file).toList());
        int failed = 0;
        for (Predictor.Result e : expected) {
            Row r = spark.get(e.file());
            if (e.failed()) {
                failed++;
                // the same message, naming the file as each side names it (a path; Spark's URI)
                assertThat((String) r.getAs("error")).isEqualTo(r.getAs("path") + e.error().substring(e.file().toString().length()));
                assertThat((Object) r.getAs("label")).isNull();
                assertThat((Object) r.getAs("top_k")).isNull();
                continue;
            }
            assertThat((Object) r.getAs("error")).as(e.file().toString()).isNull();
            assertThat((String) r.getAs("label")).isEqualTo(e.predictions().get(0).className());
            assertThat((double) r.getAs("probability")).isEqualTo(e.predictions().get(0).probability());
            List<Row> top = r.getList(r.fieldIndex("top_k"));
            assertThat(top).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(top.get(i).getString(0)).isEqualTo(e.predictions().get(i).className());
                assertThat(top.get(i).getDouble(1)).isEqualTo(e.predictions().get(i).probability());
            }
        }
        assertThat(failed).isEqualTo(2);
        assertThat(rows.stream().filter(r -> r.getAs("error") != null).map(r -> (String) r.getAs("path")))
                .containsExactlyInAnyOrder(folder.resolve(CifarSample.CORRUPT).toUri().toString().replace("file:///", "file:/"),
                        folder.resolve(CifarSample.TRUNCATED).toUri().toString().replace("file:///", "file:/"));
        long right = rows.stream().filter(r -> r.getAs("label") != null
                && ((String) r.getAs("path")).contains("/" + r.getAs("label") + "/")).count();
        assertThat(right).as("resnet20-cifar10 gets about 89% right").isGreaterThan(240);
    }

    @Test
    void rowsWithoutTheirBytesAreReadFromTheirPathsWithTheSameResults() {
        Map<Path, Row> withBytes = byFile(ResNetSpark.predict(images, options().withTopK(1)).collectAsList());
        Map<Path, Row> fromPaths = byFile(ResNetSpark.predict(images.drop("content"), options().withTopK(1)).collectAsList());
        assertThat(fromPaths.keySet()).isEqualTo(withBytes.keySet());
        for (Map.Entry<Path, Row> e : withBytes.entrySet()) {
            Row r = fromPaths.get(e.getKey());
            for (String column : new String[] {"label", "probability", "error"}) {
                assertThat((Object) r.getAs(column)).as("%s %s", e.getKey(), column).isEqualTo(e.getValue().getAs(column));
            }
        }
        assertThat(withBytes.values()).filteredOn(r -> r.getAs("error") != null).hasSize(2);

        // a table of paths naming a file that does not exist (or no file): each marks its own row
        String gone = new org.apache.hadoop.fs.Path(tmp.resolve("gone.jpg").toUri()).toString(); // file:/..., as binaryFile writes

        Dataset<Row> missing = spark.createDataFrame(List.of(RowFactory.create(gone), RowFactory.create((Object) null)),
                new StructType().add("path", DataTypes.StringType));
        Map<String, String> errors = new HashMap<>();
        for (Row r : ResNetSpark.predict(missing, options()).collectAsList()) {
            assertThat((Object) r.getAs("label")).isNull();
            errors.put(r.getAs("path"), r.getAs("error"));
        }
        assertThat(errors.get(gone)).startsWith(gone + ": cannot read (").containsIgnoringCase("no such file");
        assertThat(errors.get(null)).isEqualTo("(no path): no file to read");
    }

    @Test
    void bf16PredictionsAreTheSingleProcessPredictorsInBf16() {
        Assumptions.assumeTrue(Devices.cpuHasBf16(), "SKIPPED: this CPU has neither AVX512_BF16 nor AMX (bf16 would run as fp32)");
        List<Row> rows = ResNetSpark.predict(images, options().withTopK(1).withPrecision("bf16")).collectAsList();
        Map<Path, Predictor.Result> bf16 = new HashMap<>();
        Map<Path, Predictor.Result> fp32 = new HashMap<>();
        try (ResNetModel model = ResNetModel.load(CifarSample.MODEL)) {
            new Predictor(model).predict(List.of(folder), 1).forEach(r -> fp32.put(r.file(), r));
            model.setPrecision(Precision.BF16);
            new Predictor(model).predict(List.of(folder), 1).forEach(r -> bf16.put(r.file(), r));
        }
        int compared = 0;
        int movedFromFp32 = 0;
        double worst = 0;
        for (Map.Entry<Path, Row> e : byFile(rows).entrySet()) {
            Predictor.Result expected = bf16.get(e.getKey());
            if (expected.failed()) {
                continue;
            }
            Row r = e.getValue();
            double p = r.getAs("probability");
            assertThat((String) r.getAs("label")).as(e.getKey().toString()).isEqualTo(expected.predictions().get(0).className());
            // Spark batches the images differently and runs 1 engine thread per task, yet the floats come out the
            // same; a row computed from freed memory (what this test caught: Pipeline.channelsLast) moved by 0.04
            worst = Math.max(worst, Math.abs(p - expected.predictions().get(0).probability()));
            movedFromFp32 += Math.abs(p - fp32.get(e.getKey()).predictions().get(0).probability()) > 1e-6 ? 1 : 0;
            compared++;
        }
        System.out.printf("Spark bf16 against single-process bf16 on %d images: largest probability difference %.2e%n", compared, worst);
        assertThat(compared).isEqualTo(10 * PER_CLASS);
        assertThat(worst).as("measured 0 here: the same floats").isLessThan(1e-6);
        assertThat(movedFromFp32).as("bf16 computed, not fp32").isGreaterThan(10 * PER_CLASS / 2);
    }

    @Test
    void embeddingsEqualTheSingleProcessEmbeddersRowForRow() {
        List<Row> rows = ResNetSpark.embed(images, options()).collectAsList();
        Embedder.Result expected;
        try (ResNetModel model = ResNetModel.load(CifarSample.MODEL)) {
            expected = new Embedder(model, true).embed(List.of(folder), (done, all) -> { });
        }
        Map<Path, Row> spark = byFile(rows);
        assertThat(expected.files()).hasSize(10 * PER_CLASS);
        for (int i = 0; i < expected.files().size(); i++) {
            Row r = spark.get(expected.files().get(i));
            assertThat((Object) r.getAs("error")).isNull();
            List<Float> embedding = r.getList(r.fieldIndex("embedding"));
            float[] want = expected.row(i);
            assertThat(embedding).hasSize(want.length);
            for (int j = 0; j < want.length; j++) {
                assertThat(embedding.get(j)).as("%s [%d]", expected.files().get(i), j).isEqualTo(want[j]);
            }
        }
        assertThat(expected.failures()).hasSize(2);
        for (Embedder.Failure f : expected.failures()) {
            Row r = spark.get(f.file());
            assertThat((Object) r.getAs("embedding")).isNull();
            assertThat((String) r.getAs("error")).endsWith(f.error().substring(f.file().toString().length()));
        }
    }

    @Test
    void anExecutorLoadsOneModelPerConcurrentTaskAndReusesItAcrossPartitions() throws Exception {
        // a model directory of this test's own: a pool of its own in the JVM-wide table (other tests use other URIs)
        Path model = java.nio.file.Files.createDirectories(tmp.resolve("pool-model"));
        for (String f : new String[] {ResNetModel.METADATA_FILE, ResNetModel.WEIGHTS_FILE}) {
            java.nio.file.Files.copy(CifarSample.MODEL.resolve(f), model.resolve(f));
        }
        InferenceOptions options = InferenceOptions.of(model.toUri().toString());
        int before = ModelPool.loads();
        Dataset<Row> many = images.repartition(8);
        assertThat(ResNetSpark.predict(many, options).count()).isEqualTo(10 * PER_CLASS + 2);
        assertThat(ResNetSpark.embed(many, options.withBatchSize(7)).count()).isEqualTo(10 * PER_CLASS + 2);
        // local[2]: the driver JVM is the executor, with 2 task slots, so 16 tasks load at most 2 models
        assertThat(ModelPool.loads() - before).isBetween(1, 2);
    }

    @Test
    void readImagesTakesImageFilesByExtensionRecursively() {
        List<String> paths = images.select("path").as(org.apache.spark.sql.Encoders.STRING()).collectAsList();
        assertThat(paths).hasSize(10 * PER_CLASS + 2).noneMatch(p -> p.endsWith(".txt"));
        assertThat(images.columns()).containsExactly("path", "modificationTime", "length", "content");
    }
}
