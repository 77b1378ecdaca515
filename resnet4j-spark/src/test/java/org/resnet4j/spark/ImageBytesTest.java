package org.resnet4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files named as binaryFile names them (Hadoop paths, unescaped) are read whole, odd characters included. */
class ImageBytesTest {
    @TempDir Path tmp;

    @Test
    void readsAFileNamedAsBinaryFileNamesIt() throws IOException {
        Path file = Files.write(tmp.resolve("a b%20c #1.jpg"), new byte[] {1, 2, 3, 4});
        String hadoopPath = new org.apache.hadoop.fs.Path(file.toUri()).toString(); // file:/.../a b%20c #1.jpg
        assertThat(hadoopPath).startsWith("file:/").endsWith("a b%20c #1.jpg");
        assertThat(ImageBytes.read(hadoopPath, new Configuration(false))).containsExactly(1, 2, 3, 4);
        // a path without a scheme goes through Hadoop's default file system (here the local one)
        assertThat(ImageBytes.read(file.toString(), new Configuration())).containsExactly(1, 2, 3, 4);
    }

    @Test
    void whatIsNoPathIsAnIoError() {
        assertThatThrownBy(() -> ImageBytes.read("", new Configuration(false))).isInstanceOf(IOException.class)
                .hasMessageStartingWith("not a path");
    }

    @Test
    void aMissingFileIsAnIoErrorNamingIt() {
        String gone = new org.apache.hadoop.fs.Path(tmp.resolve("gone.jpg").toUri()).toString();
        assertThatThrownBy(() -> ImageBytes.read(gone, new Configuration(false))).isInstanceOf(NoSuchFileException.class)
                .hasMessageContaining("gone.jpg");
    }
}
