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
 * started (issue 17 items 8 and 11): native access is enabled where the JVM takes the option and
 * only there, and the engine's C++ log is held to errors unless RESNET4J_DEBUG is set.
 */
class LauncherTest {
    @TempDir Path tmp;

    /** The arguments and environment the launcher started "java" with. */
    record Started(List<String> args, Map<String, String> env) {}

    Started launch(boolean jvmKnowsNativeAccess, Map<String, String> env) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home" + System.nanoTime()));
        Files.copy(Path.of("resnet4j"), home.resolve("resnet4j"));
        Files.createDirectories(home.resolve("bin"));
        Files.copy(Path.of("bin", "crash-guard"), home.resolve("bin/crash-guard"));
        Files.createDirectories(home.resolve("target/lib"));
        Files.writeString(home.resolve("target/resnet4j.jar"), ""); // built: no src/ or pom.xml is newer
        Path stubs = Files.createDirectories(home.resolve("stubs"));
        Path java = stubs.resolve("java");
        Files.writeString(java, String.join("\n",
                "#!/bin/sh",
                "# a JVM that does not know the option refuses it",
                "if [ \"$1\" = --enable-native-access=ALL-UNNAMED ] && [ -z \"$KNOWS\" ]; then",
                "  echo \"Unrecognized option: $1\" >&2; exit 1",
                "fi",
                "for a in \"$@\"; do [ \"$a\" = -version ] && exit 0; done",
                "printf '%s\\n' \"$@\" > \"$OUT/args\"",
                "env > \"$OUT/env\"",
                ""));
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        ProcessBuilder pb = new ProcessBuilder(home.resolve("resnet4j").toString(), "summary").redirectErrorStream(true)
                .redirectOutput(home.resolve("log").toFile());
        pb.environment().remove("RESNET4J_DEBUG");
        pb.environment().remove("TORCH_CPP_LOG_LEVEL");
        pb.environment().put("PATH", stubs + ":" + System.getenv("PATH"));
        pb.environment().put("OUT", home.toString());
        if (jvmKnowsNativeAccess) {
            pb.environment().put("KNOWS", "1");
        }
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(Files.readString(home.resolve("log"))).isZero();
        Map<String, String> started = new java.util.HashMap<>();
        for (String line : Files.readAllLines(home.resolve("env"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                started.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return new Started(Files.readAllLines(home.resolve("args")), started);
    }

    @Test
    void nativeAccessIsEnabledWhereTheJvmTakesTheOptionAndOnlyThere() throws Exception {
        Started knows = launch(true, Map.of());
        assertThat(knows.args()).contains("--enable-native-access=ALL-UNNAMED");
        assertThat(knows.args().get(knows.args().size() - 1)).isEqualTo("summary");
        Started old = launch(false, Map.of());
        assertThat(old.args()).doesNotContain("--enable-native-access=ALL-UNNAMED").contains("org.resnet4j.cli.Main");
    }

    @Test
    void engineWarningsAreHeldBackUnlessDebugging() throws Exception {
        assertThat(launch(false, Map.of()).env()).containsEntry("TORCH_CPP_LOG_LEVEL", "ERROR");
        assertThat(launch(false, Map.of("RESNET4J_DEBUG", "1")).env()).doesNotContainKey("TORCH_CPP_LOG_LEVEL");
        assertThat(launch(false, Map.of("TORCH_CPP_LOG_LEVEL", "INFO")).env()).containsEntry("TORCH_CPP_LOG_LEVEL", "INFO");
    }
}
