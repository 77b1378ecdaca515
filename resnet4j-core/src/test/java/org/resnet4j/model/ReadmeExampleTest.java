package org.resnet4j.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.types.Shape;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's Java example, as it is written there. */
class ReadmeExampleTest {
    @TempDir Path tmp;

    @Test
    void buildSummariseSaveLoad() {
        Path dir = tmp.resolve("resnet56");
        try (ResNetModel model = ResNetModel.create(ResNets.spec("resnet56"), 42)) {
            assertThat(model.summary().toTable()).contains("Trainable parameters: 853,018");
            model.save(dir);
        }
        try (ResNetModel model = ResNetModel.load(dir)) {
            var images = model.manager().randomNormal(new Shape(8, 3, 32, 32));
            assertThat(model.logits(images).getShape()).isEqualTo(new Shape(8, 10));
            assertThat(model.features(images).getShape()).isEqualTo(new Shape(8, 64));
        }
    }
}
