package org.resnet4j.spark;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link PredictJob}, run in this JVM's {@code local[2]} session: its output files, its summary and its one-line errors. */
class PredictJobTest {
    @TempDir static Path tmp;
    static Path folder;
    static SparkSession spark;

    @BeforeAll
    static void setUp() throws Exception {
        CifarSample.assumeData();
        folder = CifarSample.write(tmp.resolve("cifar"), 5);
        spark = LocalSpark.session();
    }

    /** Exit code, standard output and standard error of one run. */
    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = PredictJob.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }

    static List<String> common(String output, String... more) {
        List<String> args = new ArrayList<>(List.of("--model-dir", CifarSample.MODEL.toString(), "--input", folder.toString(),
                "--output", output));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void writesJsonRowsWithTheClassesAndAnErrorPerBadFile() {
        String output = tmp.resolve("labels").toString();
        Run r = run(common(output, "--format", "json", "--top", "2").toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("resnet4j: classified 52 images (2 with an error) into " + output + " (json)")
                .contains("models loaded in this JVM");
        Dataset<Row> rows = spark.read().json(output);
        assertThat(rows.columns()).containsExactlyInAnyOrder("path", "modificationTime", "length", "label", "probability",
                "top_k", "error");
        assertThat(rows.filter("error is null and size(top_k) = 2 and probability > 0").count()).isEqualTo(50);
        assertThat(rows.filter("error is not null and label is null").count()).isEqualTo(2);
    }

    @Test
    void writesParquetEmbeddingsByDefault() {
        String output = tmp.resolve("features").toUri().toString();
        Run r = run(common(output, "--embed", "--raw", "--batch-size", "16").toArray(String[]::new));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("embedded 52 images (2 with an error)").contains("(parquet)");
        Dataset<Row> rows = spark.read().parquet(output);
        assertThat(rows.filter("error is null and size(embedding) = 64").count()).isEqualTo(50);
        assertThat(rows.columns()).doesNotContain("content", "label");
    }

    @Test
    void badCommandLinesGetOneLineNamingTheFlagAndExitCode2() throws Exception {
        Path taken = Files.createDirectories(tmp.resolve("taken"));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path notAModel = Files.createDirectories(tmp.resolve("not-a-model"));
        String fresh = tmp.resolve("never-written").toString();
        assertFails(common(fresh, "--top", "0"), "resnet4j: --top: must be at least 1, not 0");
        assertFails(common(fresh, "--batch-size", "0"), "resnet4j: --batch-size: must be at least 1, not 0");
        assertFails(common(fresh, "--precision", "fp16"), "resnet4j: --precision: expected fp32 or bf16, not 'fp16'");
        assertFails(common(fresh, "--raw"), "resnet4j: --raw: only with --embed");
        assertFails(common(fresh, "--format", "xml"), "resnet4j: Invalid value for option '--format'");
        assertFails(common(taken.toString()), "resnet4j: --output: " + taken + " already exists");
        List<String> noImages = common(fresh);
        noImages.set(3, empty.toString());
        assertFails(noImages, "resnet4j: --input: no image files");
        List<String> noModel = common(fresh);
        noModel.set(1, notAModel.toString());
        assertFails(noModel, "resnet4j: --model-dir: " + notAModel + " is not a model directory (no model.json)");
        assertThat(Files.exists(Path.of(fresh))).isFalse();
    }

    static void assertFails(List<String> args, String firstLine) {
        Run r = run(args.toArray(String[]::new));
        assertThat(r.code()).as(String.join(" ", args)).isEqualTo(2);
        assertThat(r.err().lines().findFirst().orElse("")).startsWith(firstLine);
        assertThat(r.err().lines().filter(l -> l.startsWith("resnet4j:")).count()).isEqualTo(1);
    }

    @Test
    void helpListsTheFlags() {
        Run r = run("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("--model-dir=URI", "--input=URI", "--output=URI", "--format=FORMAT", "--embed", "--top=K",
                "--precision=P");
    }
}
