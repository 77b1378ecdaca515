package org.resnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code resnet4j} launcher, run against a stand-in {@code java} that records how it was
 * started (issue 17 item 11): native access is enabled where the JVM takes the option and only there;
 * tcmalloc is preloaded and told to keep what it frees.
 */
class LauncherTest {
    @TempDir Path tmp;

    private static final Path TCMALLOC = Path.of("/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4");

    /** The arguments the launcher started "java" with. */
    List<String> launch(boolean jvmKnowsNativeAccess) throws Exception {
        List<String> seen = launch(jvmKnowsNativeAccess, Map.of());
        return seen.subList(2, seen.size());
    }

    /**
     * What "java" saw when the launcher started it with {@code env} added to this process's environment: its
     * LD_PRELOAD and TCMALLOC_RELEASE_RATE ("-" where unset), then its arguments.
     */
    List<String> launch(boolean jvmKnowsNativeAccess, Map<String, String> env) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home" + System.nanoTime()));
        Files.copy(Path.of("resnet4j"), home.resolve("resnet4j"));
        Files.createDirectories(home.resolve("bin"));
        Files.copy(Path.of("bin", "crash-guard"), home.resolve("bin/crash-guard"));
        Files.createDirectories(home.resolve("resnet4j-core/target/lib"));
        Files.writeString(home.resolve("resnet4j-core/target/resnet4j.jar"), ""); // built: no src/ or pom.xml is newer
        Path stubs = Files.createDirectories(home.resolve("stubs"));
        Path java = stubs.resolve("java");
        Files.writeString(java, String.join("\n",
                "#!/bin/sh",
                "# a JVM that does not know the option refuses it",
                "if [ \"$1\" = --enable-native-access=ALL-UNNAMED ] && [ -z \"$KNOWS\" ]; then",
                "  echo \"Unrecognized option: $1\" >&2; exit 1",
                "fi",
                "for a in \"$@\"; do [ \"$a\" = -version ] && exit 0; done",
                "printf '%s\\n' \"${LD_PRELOAD:--}\" \"${TCMALLOC_RELEASE_RATE:--}\" \"$@\" > \"$OUT/args\"",
                ""));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder(home.resolve("resnet4j").toString(), "summary").redirectErrorStream(true)
                .redirectOutput(home.resolve("log").toFile());
        pb.environment().put("PATH", stubs + ":" + System.getenv("PATH"));
        pb.environment().put("OUT", home.toString());
        pb.environment().remove("LD_PRELOAD");
        pb.environment().remove("TCMALLOC_RELEASE_RATE");
        pb.environment().remove("RESNET4J_NO_TCMALLOC");
        pb.environment().putAll(env);
        if (jvmKnowsNativeAccess) {
            pb.environment().put("KNOWS", "1");
        }
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(home.resolve("log"))).isZero();
        return Files.readAllLines(home.resolve("args"));
    }

    @Test
    void nativeAccessIsEnabledWhereTheJvmTakesTheOptionAndOnlyThere() throws Exception {
        List<String> knows = launch(true);
        assertThat(knows).contains("--enable-native-access=ALL-UNNAMED");
        assertThat(knows.get(knows.size() - 1)).isEqualTo("summary");
        assertThat(launch(false)).doesNotContain("--enable-native-access=ALL-UNNAMED").contains("org.resnet4j.cli.Main");
    }

    /**
     * tcmalloc's release rate 0 (freed memory kept for the next training step instead of faulted in again,
     * BENCHMARKS.md) goes with the preload; a rate the caller sets is kept; no tcmalloc, no rate.
     */
    @Test
    void tcmallocIsPreloadedAndKeepsWhatItFrees() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(TCMALLOC), "no tcmalloc at " + TCMALLOC + ": skipping");
        List<String> seen = launch(true, Map.of());
        assertThat(seen.get(0)).startsWith(TCMALLOC.toString());
        assertThat(seen.get(1)).isEqualTo("0");
        assertThat(launch(true, Map.of("TCMALLOC_RELEASE_RATE", "3")).get(1)).isEqualTo("3");
        assertThat(launch(true, Map.of("RESNET4J_NO_TCMALLOC", "1")).subList(0, 2)).containsExactly("-", "-");
    }

    /** On Java 25 (where this machine has it), the option the launcher passes leaves a prediction's stderr empty. */
    @Test
    void onJava25TheLaunchersOptionKeepsStderrEmpty() throws Exception {
        Path java25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(java25), "no JDK 25 at " + java25 + ": skipping");
        Path image = org.resnet4j.eval.TinyModels.image(tmp.resolve("photo.png"), 32, 32,
                java.awt.image.BufferedImage.TYPE_INT_RGB, "png", 3);
        ProcessBuilder pb = new ProcessBuilder(java25.toString(), "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path"), Main.class.getName(), "predict", "--model-dir",
                Path.of("models", "resnet20-cifar10").toString(), image.toString())
                .redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile());
        pb.environment().remove("RESNET4J_DEBUG");
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(tmp.resolve("err"))).isZero();
        assertThat(Files.readString(tmp.resolve("out"))).startsWith(image + ": ");
        assertThat(Files.readString(tmp.resolve("err"))).isEmpty();
    }
}
