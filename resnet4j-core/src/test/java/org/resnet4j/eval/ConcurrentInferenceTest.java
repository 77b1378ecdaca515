package org.resnet4j.eval;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.resnet4j.model.Precision;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.util.Devices;

/**
 * Two models of one JVM used from two threads at once (what Spark's task threads and a server do)
 * compute what one thread alone computes, batch for batch, in each precision.
 */
class ConcurrentInferenceTest {
    static final Path ZIP = Path.of("..", "shared", "data", "cifar10-jpeg.zip");
    static final int BATCH = 32;
    static final int BATCHES = 6;
    static final int ROUNDS = 2;

    @ParameterizedTest
    @EnumSource(Precision.class)
    void twoThreadsComputeWhatOneThreadComputes(Precision precision) throws Exception {
        Assumptions.assumeTrue(Files.exists(ZIP), ZIP.toAbsolutePath() + " not found: skipping the concurrent inference test");
        Assumptions.assumeTrue(precision == Precision.FP32 || Devices.cpuHasBf16(),
                "SKIPPED: this CPU has neither AVX512_BF16 nor AMX (bf16 would run as fp32)");
        try (ResNetModel a = ResNetModel.load(Path.of("models", "resnet20-cifar10"));
                ResNetModel b = ResNetModel.load(Path.of("models", "resnet20-cifar10"))) {
            List<List<float[]>> batches = batches(new Predictor(a));
            a.setPrecision(precision);
            b.setPrecision(precision);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                List<float[]> alone = pool.submit(() -> logits(a, batches)).get();
                for (int round = 0; round < ROUNDS; round++) {
                    Future<List<float[]>> fa = pool.submit(() -> logits(a, batches));
                    Future<List<float[]>> fb = pool.submit(() -> logits(b, reversed(batches)));
                    List<float[]> la = fa.get();
                    List<float[]> lb = reversed(fb.get());
                    for (int i = 0; i < BATCHES; i++) {
                        assertThat(la.get(i)).as("round %d, batch %d, first thread", round, i).containsExactly(alone.get(i));
                        assertThat(lb.get(i)).as("round %d, batch %d, second thread", round, i).containsExactly(alone.get(i));
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** The logits of each batch, computed by {@code model} in the calling thread with one engine thread (as a Spark task). */
    private static List<float[]> logits(ResNetModel model, List<List<float[]>> batches) {
        Devices.configure(1);
        Predictor predictor = new Predictor(model);
        List<float[]> out = new ArrayList<>();
        for (List<float[]> batch : batches) {
            try (NDManager m = model.manager().newSubManager()) {
                out.add(model.logits(predictor.toTensor(m, batch)).toFloatArray());
            }
        }
        return out;
    }

    private static <T> List<T> reversed(List<T> list) {
        List<T> r = new ArrayList<>(list);
        Collections.reverse(r);
        return r;
    }

    /** {@link #BATCHES} batches of CIFAR-10 test JPEGs prepared as {@code predict} prepares files. */
    private static List<List<float[]>> batches(Predictor predictor) throws IOException {
        List<List<float[]>> batches = new ArrayList<>();
        try (ZipFile zip = new ZipFile(ZIP.toFile())) {
            List<float[]> batch = new ArrayList<>();
            for (ZipEntry e : Collections.list(zip.entries())) {
                if (!e.getName().startsWith("test/") || !e.getName().endsWith(".jpg") || e.getName().hashCode() % 17 != 0) {
                    continue;
                }
                batch.add(predictor.prepare(zip.getInputStream(e).readAllBytes(), e.getName()));
                if (batch.size() == BATCH) {
                    batches.add(batch);
                    batch = new ArrayList<>();
                    if (batches.size() == BATCHES) {
                        break;
                    }
                }
            }
        }
        return batches;
    }
}
