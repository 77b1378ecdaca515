package org.resnet4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumException;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link NioLocalFileSystem} does what Hadoop's {@link LocalFileSystem} does, file for file, and Spark runs on it. */
class NioLocalFileSystemTest {
    @TempDir Path tmp;

    static FileSystem nio() throws IOException {
        FileSystem fs = new NioLocalFileSystem();
        fs.initialize(java.net.URI.create("file:///"), new Configuration());
        return fs;
    }

    static FileSystem hadoop() throws IOException {
        FileSystem fs = new LocalFileSystem();
        fs.initialize(java.net.URI.create("file:///"), new Configuration());
        return fs;
    }

    static org.apache.hadoop.fs.Path path(Path p) {
        return new org.apache.hadoop.fs.Path(p.toUri());
    }

    @Test
    void setsTheSamePermissionsAsHadoopsChmod() throws IOException {
        FileSystem nio = nio();
        FileSystem hadoop = hadoop();
        for (short mode : new short[] {0644, 0755, 0600, 0700, 0751, 0640, 0444, 0000, 0777, 0311}) {
            Path a = Files.writeString(tmp.resolve("nio-" + mode), "x");
            Path b = Files.writeString(tmp.resolve("hadoop-" + mode), "x");
            nio.setPermission(path(a), new FsPermission(mode));
            hadoop.setPermission(path(b), new FsPermission(mode));
            assertThat(Files.getPosixFilePermissions(a)).as("mode %o", mode).isEqualTo(Files.getPosixFilePermissions(b))
                    .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString(new FsPermission(mode).toString()));
        }
    }

    @Test
    void keepsASetgidDirectorysBitAsHadoopsChmodDoes() throws IOException {
        Path a = Files.createDirectory(tmp.resolve("nio-shared"));
        Path b = Files.createDirectory(tmp.resolve("hadoop-shared"));
        Files.setAttribute(a, "unix:mode", 02775);
        Files.setAttribute(b, "unix:mode", 02775);
        nio().setPermission(path(a), new FsPermission((short) 0755));
        hadoop().setPermission(path(b), new FsPermission((short) 0755));
        assertThat((int) Files.getAttribute(b, "unix:mode") & 07777).as("Hadoop's chmod 0755 keeps setgid").isEqualTo(02755);
        assertThat((int) Files.getAttribute(a, "unix:mode") & 07777).isEqualTo(02755);
        assertThat(Files.getPosixFilePermissions(a)).isEqualTo(Files.getPosixFilePermissions(b));
    }

    @Test
    void leavesTheStickyBitToHadoopAndNamesAMissingFile() throws IOException {
        FileSystem nio = nio();
        Path dir = Files.createDirectory(tmp.resolve("shared"));
        nio.setPermission(path(dir), new FsPermission((short) 01777));
        FsPermission set = nio.getFileStatus(path(dir)).getPermission();
        assertThat(set.getStickyBit()).isTrue();
        assertThat(set.toShort() & 0777).isEqualTo(0777);

        Path missing = tmp.resolve("missing.jpg");
        assertThatThrownBy(() -> nio.setPermission(path(missing), new FsPermission((short) 0644)))
                .isInstanceOf(FileNotFoundException.class).hasMessageContaining("missing.jpg");
    }

    @Test
    void readsFilesWithoutAChecksumDirectlyAndStillVerifiesThoseWithOne() throws IOException {
        FileSystem nio = nio();
        byte[] image = new byte[70_000];
        new java.util.Random(3).nextBytes(image);
        Path plain = Files.write(tmp.resolve("plain.jpg"), image);
        FileSystem.Statistics statistics = FileSystem.getStatistics("file", NioLocalFileSystem.Raw.class);
        long before = statistics.getBytesRead();
        try (InputStream in = nio.open(path(plain))) {
            assertThat(in.readAllBytes()).isEqualTo(image);
        }
        assertThat(statistics.getBytesRead() - before).as("bytes counted for Spark's input metrics").isEqualTo(image.length);
        try (FSDataInputStream in = nio.open(path(plain))) { // what Parquet and the others do: seek, positioned reads
            assertThat(in.read()).isEqualTo(image[0] & 0xff);
            in.seek(65_000);
            byte[] some = new byte[100];
            in.readFully(some);
            assertThat(some).isEqualTo(Arrays.copyOfRange(image, 65_000, 65_100));
            assertThat(in.getPos()).isEqualTo(65_100);
            in.readFully(10, some);
            assertThat(some).isEqualTo(Arrays.copyOfRange(image, 10, 110));
            assertThat(in.getPos()).isEqualTo(65_100);
            assertThat(in.read(new byte[10_000])).isEqualTo(image.length - 65_100);
            assertThat(in.read()).isEqualTo(-1);
            assertThat(in.read(image.length, some, 0, 10)).isEqualTo(-1);
        }
        try (FSDataInputStream in = nio.open(path(plain))) { // the stream contract of Hadoop's local file system
            assertThatThrownBy(() -> in.seek(image.length + 1)).isInstanceOf(java.io.EOFException.class);
            assertThatThrownBy(() -> in.read(-1, new byte[4], 0, 4)).isInstanceOf(java.io.EOFException.class);
            in.seek(image.length - 100);
            assertThat(in.skip(5_000)).isEqualTo(100);
            assertThat(in.markSupported()).isFalse();
        }
        assertThatThrownBy(() -> nio.open(path(tmp.resolve("missing.jpg")))).isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining("missing.jpg").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> nio.open(path(tmp))).isInstanceOf(FileNotFoundException.class)
                .hasMessageContaining(tmp.getFileName().toString());

        Path written = tmp.resolve("written.bin");
        try (OutputStream out = nio.create(path(written))) {
            out.write(image);
        }
        assertThat(tmp.resolve(".written.bin.crc")).exists();
        try (InputStream in = nio.open(path(written))) {
            assertThat(in.readAllBytes()).isEqualTo(image);
        }
        try (RandomAccessFile file = new RandomAccessFile(written.toFile(), "rw")) {
            file.seek(40_000);
            file.write(image[40_000] ^ 0x5a);
        }
        assertThatThrownBy(() -> {
            try (InputStream in = nio.open(path(written))) {
                in.readAllBytes();
            }
        }).isInstanceOf(ChecksumException.class);
    }

    @Test
    void sparkWritesAndReadsParquetThroughIt() throws IOException {
        SparkSession spark = LocalSpark.session();
        String out = tmp.resolve("words").toUri().toString();
        assertThat(new org.apache.hadoop.fs.Path(out).getFileSystem(spark.sparkContext().hadoopConfiguration()))
                .isInstanceOf(NioLocalFileSystem.class);
        List<String> words = List.of("residual", "learning", "identity", "shortcut");
        spark.createDataset(words, Encoders.STRING()).repartition(2).write().parquet(out);
        Dataset<Row> back = spark.read().parquet(out);
        assertThat(back.collectAsList()).extracting(r -> r.getString(0)).containsExactlyInAnyOrderElementsOf(words);
        assertThat(tmp.resolve("words").resolve("_SUCCESS")).exists();
        // Parquet files that arrived without their .crc (copied, or written by another tool) take the direct path:
        // Parquet's reader seeks and reads ranges through it
        try (var files = Files.list(tmp.resolve("words"))) {
            for (Path crc : files.filter(f -> f.getFileName().toString().endsWith(".crc")).toList()) {
                Files.delete(crc);
            }
        }
        assertThat(spark.read().parquet(out).collectAsList()).extracting(r -> r.getString(0))
                .containsExactlyInAnyOrderElementsOf(words);
        assertThat(Files.getPosixFilePermissions(tmp.resolve("words")))
                .contains(java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
    }
}
