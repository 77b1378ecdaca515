# Sourced by bench/spark-cluster and bench/spark-predict: builds the project and lays out Spark from the
# Maven jars. After `spark_setup WORK`: $jar is the shaded job jar, $SPARK_HOME a folder whose jars/ links
# Spark's jars (what a Spark installation has, and where workers start executors from).
spark_setup() {
  local work="$1" here
  here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  # Spark's jars are the class path of bench/spark-dist (Spark alone, as in a Spark installation): the
  # executors must find ResNet4J in the shaded job jar only
  (cd "$here" && mvn -B -q -DskipTests package && mvn -B -q -f bench/spark-dist/pom.xml dependency:build-classpath \
    -Dmdep.outputFile="$work/spark.cp") >"$work/build.log" 2>&1 || { cat "$work/build.log" >&2; return 1; }
  jar="$here/resnet4j-spark/target/resnet4j-spark-all.jar"
  mkdir -p "$work/spark-home/jars"
  # (the file ends without a newline: read's last line needs the || test)
  tr ':' '\n' <"$work/spark.cp" | while read -r j || [ -n "$j" ]; do ln -s "$j" "$work/spark-home/jars/"; done
  export SPARK_HOME="$work/spark-home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1
}

# Many small files: Spark counts each file as spark.sql.files.openCostInBytes (4 MB) when it packs
# partitions, which gives 32 CIFAR images per task; these settings give about 500 (README, "Partitions").
SMALL_FILES_CONF=(--conf spark.sql.files.openCostInBytes=16384 --conf spark.sql.files.maxPartitionBytes=8m)
