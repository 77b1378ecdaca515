package org.resnet4j.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.resnet4j.eval.Predictor;
import org.resnet4j.eval.Predictor.ClassProbability;
import org.resnet4j.model.ResNetModel;

/**
 * Classification through the core's {@link Predictor}: {@code label} and {@code probability} (the
 * top class) and {@code top_k}, the K most probable classes, most probable first.
 */
final class Classification implements ImageTask {
    private static final long serialVersionUID = 1L;

    /** One element of {@code top_k}. */
    static final StructType CLASS_PROBABILITY = DataTypes.createStructType(List.of(
            DataTypes.createStructField("label", DataTypes.StringType, false),
            DataTypes.createStructField("probability", DataTypes.DoubleType, false)));

    private final int k;

    Classification(int k) {
        this.k = k;
    }

    @Override
    public List<StructField> columns() {
        return List.of(DataTypes.createStructField("label", DataTypes.StringType, true),
                DataTypes.createStructField("probability", DataTypes.DoubleType, true),
                DataTypes.createStructField("top_k", DataTypes.createArrayType(CLASS_PROBABILITY, false), true));
    }

    @Override
    public Runner open(ResNetModel model) {
        Predictor predictor = new Predictor(model);
        return new Runner() {
            @Override
            public float[] prepare(byte[] bytes, String name) {
                return predictor.prepare(bytes, name);
            }

            @Override
            public List<Object[]> run(List<float[]> prepared) {
                List<Object[]> out = new ArrayList<>(prepared.size());
                for (List<ClassProbability> top : predictor.classify(prepared, k)) {
                    out.add(top.isEmpty() ? null : values(top));
                }
                return out;
            }
        };
    }

    private static Object[] values(List<ClassProbability> top) {
        // an array, not a java.util.List: Spark's row encoder takes arrays and Scala sequences only
        Row[] classes = new Row[top.size()];
        for (int i = 0; i < classes.length; i++) {
            classes[i] = RowFactory.create(top.get(i).className(), top.get(i).probability());
        }
        return new Object[] {top.get(0).className(), top.get(0).probability(), classes};
    }
}
