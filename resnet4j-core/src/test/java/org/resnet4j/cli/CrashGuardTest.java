package org.resnet4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/crash-guard}, through which the launcher starts the JVM: a JVM that dies in its
 * fatal-error handler (here forced by {@code -XX:+CrashOnOutOfMemoryError}; a crash in native code
 * takes the same handler) ends in one line naming the report, which lands in $TMPDIR and not in
 * the current directory; without a crash the output passes through unchanged.
 */
class CrashGuardTest {
    static final Path GUARD = Path.of("bin", "crash-guard").toAbsolutePath();

    @TempDir Path tmp;

    record Run(int code, String out, String err) {}

    Run guard(String... program) throws Exception {
        Path cwd = Files.createDirectories(tmp.resolve("cwd"));
        Path reports = Files.createDirectories(tmp.resolve("reports"));
        List<String> cmd = new ArrayList<>(List.of(GUARD.toString(),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx32m",
                "-XX:+CrashOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"), Program.class.getName()));
        cmd.addAll(List.of(program));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
                .redirectOutput(tmp.resolve("out.txt").toFile()).redirectError(tmp.resolve("err.txt").toFile());
        pb.environment().put("TMPDIR", reports.toString());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("crash-guard finished").isTrue();
        return new Run(p.exitValue(), Files.readString(tmp.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(tmp.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void aCrashEndsInOneLineNamingTheReportAndLeavesNothingInTheCurrentDirectory() throws Exception {
        Run r = guard("crash");
        assertThat(r.code()).isEqualTo(134); // SIGABRT, as the JVM ends after a fatal error
        assertThat(r.out()).startsWith("# results so far\nrow 1\n").doesNotContain("A fatal error has been detected");
        String[] lines = r.err().strip().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0]).isEqualTo("working");
        assertThat(lines[1]).startsWith("resnet4j: the JVM crashed in native code").contains("crash report: ");
        Path report = Path.of(lines[1].substring(lines[1].indexOf("crash report: ") + 14));
        assertThat(report.getParent()).isEqualTo(tmp.resolve("reports"));
        assertThat(Files.readString(report)).contains("A fatal error has been detected");
        try (Stream<Path> left = Files.list(tmp.resolve("cwd"))) {
            assertThat(left).isEmpty();
        }
    }

    @Test
    void withoutACrashOutputAndExitStatusPassThroughUnchanged() throws Exception {
        Run r = guard("exit");
        assertThat(r.code()).isEqualTo(3);
        assertThat(r.out()).isEqualTo("# results so far\nrow 1\n#\n# A line of the tool's own\n#\nno newline");
        assertThat(r.err()).isEqualTo("working\n");
    }

    /** The guarded program: prints as the tool does, then crashes or exits with status 3. */
    public static final class Program {
        public static void main(String[] args) {
            System.out.print("# results so far\nrow 1\n");
            System.out.flush();
            System.err.println("working");
            if (args[0].equals("crash")) {
                List<long[]> hog = new ArrayList<>();
                while (true) {
                    hog.add(new long[1 << 20]);
                }
            }
            System.out.print("#\n# A line of the tool's own\n#\nno newline");
            System.out.flush();
            System.exit(3);
        }
    }
}
