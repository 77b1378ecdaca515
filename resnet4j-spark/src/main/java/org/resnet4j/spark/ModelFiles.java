package org.resnet4j.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;
import org.resnet4j.model.ResNetModel;
import org.resnet4j.util.AtomicFiles;

/**
 * Model directories on any Hadoop file system (HDFS, S3, GCS, ABFS, a local or shared path), copied
 * to local disk once per JVM: the engine loads weights from a local file, and every task of an
 * executor then finds them there.
 */
final class ModelFiles {
    private static final Map<String, java.nio.file.Path> COPIES = new ConcurrentHashMap<>();

    private ModelFiles() {}

    /**
     * Checks on the driver that {@code uri} holds a model directory, without reading its weights:
     * a wrong {@code --model-dir} fails at once, not in every task.
     */
    static void check(String uri, Configuration conf) {
        Path dir = new Path(uri);
        try {
            FileSystem fs = dir.getFileSystem(conf);
            for (String name : new String[] {ResNetModel.METADATA_FILE, ResNetModel.WEIGHTS_FILE}) {
                if (!fs.isFile(new Path(dir, name))) {
                    throw new UsageException("--model-dir: " + uri + " is not a model directory (no " + name + ")");
                }
            }
        } catch (IOException e) {
            throw new ResNet4jException("--model-dir: cannot read " + uri + " (" + AtomicFiles.describe(e) + ")", e);
        }
    }

    /**
     * The local copy of the model directory at {@code uri}, under {@code root}, made on the first call
     * in this JVM (concurrent callers wait for it). The files are copied into a fresh folder that
     * is then renamed into place, so no reader ever sees a half-copied model.
     */
    static java.nio.file.Path local(String uri, Configuration conf, java.nio.file.Path root) {
        return COPIES.computeIfAbsent(uri, u -> copy(u, conf, root.resolve("resnet4j-model-" + shortHash(u))));
    }

    private static java.nio.file.Path copy(String uri, Configuration conf, java.nio.file.Path target) {
        if (Files.isRegularFile(target.resolve(ResNetModel.WEIGHTS_FILE))) {
            return target; // copied by an earlier JVM that shares this folder
        }
        java.nio.file.Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            Path dir = new Path(uri);
            FileSystem fs = dir.getFileSystem(conf);
            for (FileStatus f : fs.listStatus(dir)) {
                if (f.isFile()) {
                    // raw local file system: no .crc files beside the copies
                    fs.copyToLocalFile(false, f.getPath(), new Path(tmp.resolve(f.getPath().getName()).toUri()), true);
                }
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.FileAlreadyExistsException | java.nio.file.DirectoryNotEmptyException e) {
                deleteTree(tmp); // another JVM placed the same model first
            }
            return target;
        } catch (IOException e) {
            deleteTree(tmp);
            throw new ResNet4jException("--model-dir: cannot copy " + uri + " to " + target + " ("
                    + AtomicFiles.describe(e) + ")", e);
        }
    }

    private static void deleteTree(java.nio.file.Path dir) {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | java.io.UncheckedIOException e) {
            // best effort: a leftover temporary folder is harmless and goes with the executor's work directory
        }
    }

    private static String shortHash(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
