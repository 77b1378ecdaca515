package org.resnet4j.spark;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The bytes of an image file named by a Hadoop path (as the {@code path} column of Spark's
 * {@code binaryFile} source holds it), read on the executor: a local {@code file:} path straight
 * through {@code java.nio} (not through the configured {@code file:} file system, so no checksum
 * file is consulted: images have none), any other through Hadoop's file system for its scheme.
 */
final class ImageBytes {
    /** The largest Java array. */
    static final int MAX_BYTES = Integer.MAX_VALUE - 8;

    private ImageBytes() {}

    /** The whole file; an {@link IOException} where it cannot be read, is over 2 GiB or {@code path} is no path. */
    static byte[] read(String path, Configuration conf) throws IOException {
        try (InputStream in = open(path, conf)) {
            byte[] bytes = in.readNBytes(MAX_BYTES);
            if (in.read() >= 0) {
                throw new IOException("over 2 GiB");
            }
            return bytes;
        }
    }

    private static InputStream open(String path, Configuration conf) throws IOException {
        Path p;
        try {
            p = new Path(path);
        } catch (IllegalArgumentException e) {
            throw new IOException("not a path: " + e.getMessage(), e);
        }
        URI uri = p.toUri();
        if ("file".equals(uri.getScheme()) && uri.getAuthority() == null) {
            return Files.newInputStream(java.nio.file.Path.of(uri.getPath()));
        }
        return p.getFileSystem(conf).open(p);
    }
}
