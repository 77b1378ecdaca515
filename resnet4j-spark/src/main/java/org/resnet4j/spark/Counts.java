package org.resnet4j.spark;

import java.io.Serializable;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;

/**
 * Images and errors counted by the executors as they compute, for a summary on the driver without
 * reading the output back. Spark merges the counts of each successful task once (the output is
 * written by an action), so a retried task is not counted twice.
 */
record Counts(LongAccumulator images, LongAccumulator errors) implements Serializable {
    static Counts register(SparkSession spark) {
        return new Counts(spark.sparkContext().longAccumulator("resnet4j images"),
                spark.sparkContext().longAccumulator("resnet4j errors"));
    }
}
