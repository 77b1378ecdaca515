package org.resnet4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.model.TorchNames;

/**
 * The embeddings of the shipped model are what its classifier sees: the classifier applied to
 * {@code embed}'s raw features of image files gives {@code predict}'s probabilities for the same files.
 */
class EmbedderTest {
    @TempDir
    Path tmp;

    @Test
    void classifierOnEmbeddedFeaturesGivesPredictionsProbabilities() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            files.add(TinyModels.image(tmp.resolve(i + ".jpg"), 40 + 7 * i, 32, BufferedImage.TYPE_INT_RGB, "jpg", 100 + i));
        }
        try (ResNetModel model = ResNetModel.load(Path.of("models", "resnet20-cifar10"))) {
            Embedder.Result r = new Embedder(model, false).embed(files, (a, b) -> { });
            List<Predictor.Result> predicted = new Predictor(model).predict(files, 1);
            var params = TorchNames.parameters(model.block());
            float[] w = params.get("fc.weight").getArray().toFloatArray();
            float[] b = params.get("fc.bias").getArray().toFloatArray();
            int classes = model.spec().classes();
            int dim = r.dim();
            for (int i = 0; i < files.size(); i++) {
                float[] f = r.row(i);
                double[] z = new double[classes];
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    z[c] = b[c];
                    for (int d = 0; d < dim; d++) {
                        z[c] += (double) w[c * dim + d] * f[d];
                    }
                    max = Math.max(max, z[c]);
                }
                double sum = 0;
                int best = 0;
                for (int c = 0; c < classes; c++) {
                    sum += Math.exp(z[c] - max);
                    best = z[c] > z[best] ? c : best;
                }
                Predictor.ClassProbability top = predicted.get(i).predictions().get(0);
                assertThat(model.classes().get(best)).as("file %d", i).isEqualTo(top.className());
                assertThat(Math.exp(z[best] - max) / sum).as("file %d", i).isCloseTo(top.probability(), within(1e-4));
            }
        }
    }
}
