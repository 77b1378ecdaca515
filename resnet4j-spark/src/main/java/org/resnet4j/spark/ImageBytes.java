package org.resnet4j.spark;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The bytes of an image file named by a Hadoop path (as the {@code path} column of Spark's
 * {@code binaryFile} source holds it), read on the executor: a local file with one open and one read,
 * any other file system through Hadoop.
 */
final class ImageBytes {
    private ImageBytes() {}

    static byte[] read(String path, Configuration conf) throws IOException {
        Path p = new Path(path);
        URI uri = p.toUri();
        if ("file".equals(uri.getScheme())) {
            return Files.readAllBytes(java.nio.file.Path.of(uri));
        }
        FileSystem fs = p.getFileSystem(conf);
        try (FSDataInputStream in = fs.open(p)) {
            return in.readAllBytes();
        }
    }
}
