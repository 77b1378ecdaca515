package org.resnet4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.UsageException;
import org.resnet4j.model.ResNetModel;

/** Model directories reach executors through Hadoop's file systems: checked on the driver, copied once per JVM. */
class ModelFilesTest {
    @TempDir Path tmp;

    @Test
    void copiesAModelDirectoryOncePerJvmIntoPlaceWithoutChecksumFiles() throws Exception {
        Path source = tmp.resolve("source");
        Files.createDirectories(source);
        for (String f : new String[] {ResNetModel.METADATA_FILE, ResNetModel.WEIGHTS_FILE}) {
            Files.copy(CifarSample.MODEL.resolve(f), source.resolve(f));
        }
        String uri = source.toUri().toString(); // a fresh folder: a key of its own in the JVM-wide table
        Path root = Files.createDirectories(tmp.resolve("executor"));
        Path local = ModelFiles.local(uri, new Configuration(), root);
        assertThat(local.getParent()).isEqualTo(root);
        try (var files = Files.list(local)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(ResNetModel.METADATA_FILE,
                    ResNetModel.WEIGHTS_FILE);
        }
        assertThat(Files.readAllBytes(local.resolve(ResNetModel.WEIGHTS_FILE)))
                .isEqualTo(Files.readAllBytes(source.resolve(ResNetModel.WEIGHTS_FILE)));
        try (var files = Files.list(root)) {
            assertThat(files).containsExactly(local); // no temporary folder left behind
        }
        // once per JVM: a second task finds the copy, even when the source has gone since
        Files.delete(source.resolve(ResNetModel.WEIGHTS_FILE));
        assertThat(ModelFiles.local(uri, new Configuration(), root)).isEqualTo(local);
    }

    @Test
    void theDriverRefusesAFolderWithoutAModel() throws Exception {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> ModelFiles.check(empty.toUri().toString(), new Configuration()))
                .isInstanceOf(UsageException.class).hasMessageEndingWith("is not a model directory (no model.json)");
        ModelFiles.check(CifarSample.MODEL.toAbsolutePath().toString(), new Configuration()); // the shipped model passes
    }

    @Test
    void theHadoopConfigurationTravelsWithItsSettings() throws Exception {
        Configuration conf = new Configuration(false);
        conf.set("fs.s3a.endpoint", "http://minio:9000");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new HadoopConf(conf));
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(((HadoopConf) in.readObject()).get().get("fs.s3a.endpoint")).isEqualTo("http://minio:9000");
        }
    }
}
