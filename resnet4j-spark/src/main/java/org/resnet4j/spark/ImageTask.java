package org.resnet4j.spark;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.types.StructField;
import org.resnet4j.model.ResNetModel;

/**
 * What {@link ResNetSpark} computes for each image: the columns it adds ({@link Classification},
 * {@link Embedding}) and, on an executor, how a batch of images fills them.
 */
interface ImageTask extends Serializable {
    /** The columns added to each row, besides {@code error}; all nullable (null in a row with an error). */
    List<StructField> columns();

    /** This task bound to a loaded model, for one partition. */
    Runner open(ResNetModel model);

    /** A task on a model: prepares images one by one, then computes a batch of them. */
    interface Runner {
        /**
         * One image's bytes as model input, prepared exactly as {@code resnet4j predict} prepares a
         * file; a bad image throws an exception whose message starts with {@code name}.
         */
        float[] prepare(byte[] bytes, String name);

        /** The added columns' values for each prepared image, in order; {@code null} for an image whose output is not finite. */
        List<Object[]> run(List<float[]> prepared);
    }
}
