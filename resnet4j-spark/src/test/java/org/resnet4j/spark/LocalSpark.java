package org.resnet4j.spark;

import org.apache.spark.sql.SparkSession;

/**
 * One {@code local[2]} session for all the module's tests (starting Spark takes seconds); it ends with the JVM. Its
 * {@code file:} paths use {@link NioLocalFileSystem}, as the sessions {@code PredictJob} starts do.
 */
final class LocalSpark {
    private static SparkSession session;

    private LocalSpark() {}

    static synchronized SparkSession session() {
        if (session == null) {
            session = SparkSession.builder().appName("resnet4j-spark tests").master("local[2]")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .config(NioLocalFileSystem.SPARK_SETTING, NioLocalFileSystem.class.getName())
                    .getOrCreate();
        }
        return session;
    }
}
