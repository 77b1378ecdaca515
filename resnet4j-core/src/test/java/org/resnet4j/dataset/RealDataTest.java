package org.resnet4j.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Acceptance on the real data, skipped with a visible reason where it is absent. */
class RealDataTest {
    static final Path CIFAR_ZIP = Path.of("../shared/data/cifar10-jpeg.zip");
    static final Path FASHION = Path.of("/usr/share/datasets/fashion-mnist");

    @Test
    void cifar10JpegZipHas50kTrainAnd10kTestImages() {
        Assumptions.assumeTrue(Files.exists(CIFAR_ZIP), "../shared/data/cifar10-jpeg.zip not found: skipping");
        long t0 = System.nanoTime();
        LoadedDataset d = Datasets.load("folder", CIFAR_ZIP, LoadOptions.whatIsThere());
        System.out.printf("cifar10-jpeg.zip loaded in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertThat(d.classes()).containsExactlyElementsOf(CifarReader.CIFAR10_CLASSES);
        assertThat(d.train().size()).isEqualTo(50_000);
        assertThat(d.test().size()).isEqualTo(10_000);
        assertThat(d.trainImages().shape()).containsExactly(3, 32, 32);
        int[] perClass = new int[10];
        for (int l : d.trainImages().labels()) {
            perClass[l]++;
        }
        assertThat(perClass).containsOnly(5000);
    }

    @Test
    void fashionMnistFromTheDebianPackage() {
        Assumptions.assumeTrue(Files.isDirectory(FASHION), FASHION + " not found (apt-get install dataset-fashion-mnist): skipping");
        LoadedDataset d = Datasets.load("fashion-mnist", null, LoadOptions.whatIsThere());
        assertThat(d.train().size()).isEqualTo(60_000);
        assertThat(d.test().size()).isEqualTo(10_000);
        assertThat(d.testImages().shape()).containsExactly(1, 28, 28);
        assertThat(d.classes()).hasSize(10);
    }
}
