package org.resnet4j.util;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Provenance names the versions actually on the class path, not constants that go stale on a bump. */
class VersionsTest {
    private static String jarName(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).getFileName().toString();
    }

    @Test
    void djlVersionIsTheApiJarsVersion() throws Exception {
        Matcher m = Pattern.compile("api-(.+)\\.jar").matcher(jarName(ai.djl.engine.Engine.class));
        assertThat(m.matches()).as("DJL's api jar name").isTrue();
        assertThat(Versions.djl()).isEqualTo(m.group(1));
    }

    @Test
    void pytorchVersionIsTheNativeJarsVersion() throws Exception {
        String jar = null;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (name.startsWith("pytorch-native-")) {
                jar = name;
            }
        }
        assertThat(jar).as("a pytorch-native jar on the test class path").isNotNull();
        Matcher m = Pattern.compile("pytorch-native-[a-z0-9]+-(\\d+\\.\\d+\\.\\d+).*\\.jar").matcher(jar);
        assertThat(m.matches()).as(jar).isTrue();
        assertThat(Versions.pytorch()).isEqualTo(m.group(1));
    }
}
