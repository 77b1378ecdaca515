package org.resnet4j.spark;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.resnet4j.eval.Embedder;
import org.resnet4j.eval.Predictor;
import org.resnet4j.model.ResNetModel;

/**
 * Image features through the core's {@link Embedder}: {@code embedding}, the row that
 * {@code resnet4j embed} writes for the same image (L2-normalised unless raw features are asked for).
 */
final class Embedding implements ImageTask {
    private static final long serialVersionUID = 1L;

    private final boolean normalize;

    Embedding(boolean normalize) {
        this.normalize = normalize;
    }

    @Override
    public List<StructField> columns() {
        return List.of(DataTypes.createStructField("embedding", DataTypes.createArrayType(DataTypes.FloatType, false), true));
    }

    @Override
    public Runner open(ResNetModel model) {
        Predictor images = new Predictor(model);
        Embedder embedder = new Embedder(model, normalize);
        int dim = embedder.dim();
        return new Runner() {
            @Override
            public float[] prepare(byte[] bytes, String name) {
                return images.prepare(bytes, name);
            }

            @Override
            public List<Object[]> run(List<float[]> prepared) {
                float[] rows = embedder.features(prepared);
                List<Object[]> out = new ArrayList<>(prepared.size());
                for (int i = 0; i < prepared.size(); i++) {
                    float[] row = Arrays.copyOfRange(rows, i * dim, (i + 1) * dim);
                    out.add(finite(row) ? new Object[] {row} : null);
                }
                return out;
            }
        };
    }

    private static boolean finite(float[] row) {
        for (float v : row) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
