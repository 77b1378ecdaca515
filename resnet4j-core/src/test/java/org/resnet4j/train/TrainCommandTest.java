package org.resnet4j.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.cli.Main;
import picocli.CommandLine;

/** {@code resnet4j train} through the CLI: exit codes, one-line errors, resume, SIGTERM and kill -9. */
class TrainCommandTest {
    @TempDir static Path data;
    @TempDir Path tmp;

    /** A folder data set of 8x8 PNGs: 4 classes, 24 train and 4 test images each. */
    @BeforeAll
    static void writeImages() throws Exception {
        var train = TestData.images("t", 96, 3);
        for (int i = 0; i < train.size(); i++) {
            String split = i < 80 ? "train" : "test";
            Path dir = data.resolve(split).resolve("c" + train.label(i));
            Files.createDirectories(dir);
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
            byte[] px = train.pixels();
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    int o = i * 192 + (y * 8 + x) * 3;
                    img.setRGB(x, y, (px[o] & 0xff) << 16 | (px[o + 1] & 0xff) << 8 | (px[o + 2] & 0xff));
                }
            }
            ImageIO.write(img, "png", dir.resolve(i + ".png").toFile());
        }
    }

    record Run(int code, String out, String err) {}

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static List<String> args(Path out, String... more) {
        List<String> a = new ArrayList<>(List.of("train", "--model", "resnet8", "--dataset", "folder", "--data", data.toString(),
                "--batch-size", "16", "--val-split", "16", "--threads", "1", "--workers", "1", "--lr", "0.05", "--quiet"));
        if (out != null) {
            a.add("--out");
            a.add(out.toString());
        }
        a.addAll(List.of(more));
        return a;
    }

    static Run cli(List<String> args) {
        return cli(args.toArray(String[]::new));
    }

    @Test
    void aFullDiskIsOneClearLine() throws Exception {
        Path disk = Files.createDirectories(tmp.resolve("full"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", disk.toString())
                .redirectErrorStream(true).start();
        boolean mounted = mount.waitFor(20, java.util.concurrent.TimeUnit.SECONDS) && mount.exitValue() == 0;
        org.junit.jupiter.api.Assumptions.assumeTrue(mounted,
                "cannot mount a 64 KB tmpfs here (needs root): skipping the full-disk test");
        try {
            // The first checkpoint (resnet8's weights, ~300 KB) does not fit.
            Run r = cli(args(disk.resolve("run"), "--epochs", "1"));
            assertThat(r.code()).isEqualTo(1);
            assertThat(r.err().trim()).startsWith("resnet4j: ").contains("No space left on device").doesNotContain("\n");
        } finally {
            new ProcessBuilder("umount", disk.toString()).start().waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    @Test
    void trainsResumesExtendsAndRefusesToOverwrite() throws Exception {
        Path run = tmp.resolve("run");
        Run r = cli(args(run, "--epochs", "1"));
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("epoch 1/1  it 4  lr 0.0500").contains("val_err").contains("test_err")
                .contains("done: 1 epoch, 4 iterations,"); // issue 17 item 12: not "1 epochs"
        assertThat(Files.readString(run.resolve("config.json"))).contains("\"fingerprint\"").contains("\"resnet4j\"")
                .contains("\"schedule\": \"multistep:32000,48000\"");
        assertThat(run.resolve("model/model.json")).exists();
        Run again = cli(args(run, "--epochs", "1"));
        assertThat(again.code()).isEqualTo(2);
        assertThat(again.err().trim()).startsWith("resnet4j: --out").contains("already holds a run").doesNotContain("\n");
        Run finished = cli("train", "--resume", run.toString());
        assertThat(finished.code()).isEqualTo(2);
        assertThat(finished.err()).contains("already finished at epoch 1");
        Run changed = cli("train", "--resume", run.toString(), "--lr", "0.2");
        assertThat(changed.code()).isEqualTo(2);
        assertThat(changed.err()).contains("--lr: cannot be changed when resuming");
        Run extended = cli("train", "--resume", run.toString(), "--epochs", "2", "--quiet");
        assertThat(extended.code()).as(extended.err()).isEqualTo(0);
        assertThat(MetricsLog.read(run.resolve("metrics.csv"))).extracting(EpochMetrics::iteration).containsExactly(4L, 8L);
    }

    /**
     * Issue 17 item 1: training into a directory that is not a ResNet4J run is refused, naming --force;
     * with --force the user's files stay byte for byte, only the run's own are written.
     */
    @Test
    void neverTouchesFilesItDidNotWrite() throws Exception {
        Path dir = tmp.resolve("mine");
        Files.createDirectories(dir.resolve("model"));
        byte[] metrics = "data\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] readme = "notes\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(dir.resolve("metrics.csv"), metrics);
        Files.write(dir.resolve("model/README"), readme);
        Files.write(dir.resolve("notes.txt"), readme);
        Run refused = cli(args(dir, "--epochs", "1"));
        assertThat(refused.code()).isNotZero();
        assertThat(refused.err().trim()).contains(dir.toString()).contains("--force").doesNotContain("\n");
        assertThat(Files.readAllBytes(dir.resolve("metrics.csv"))).isEqualTo(metrics);
        assertThat(Files.readAllBytes(dir.resolve("model/README"))).isEqualTo(readme);
        try (var left = Files.list(dir)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("metrics.csv", "model", "notes.txt");
        }
        Run forced = cli(args(dir, "--epochs", "1", "--force"));
        assertThat(forced.code()).as(forced.err()).isZero();
        assertThat(Files.readAllBytes(dir.resolve("model/README"))).isEqualTo(readme);
        assertThat(Files.readAllBytes(dir.resolve("notes.txt"))).isEqualTo(readme);
        assertThat(dir.resolve("model/model.json")).exists();
        assertThat(MetricsLog.read(dir.resolve("metrics.csv"))).hasSize(1);
    }

    /**
     * Issue 17 item 4: --limit-train 0 is refused instead of training on everything, and the
     * validation split a run gets without --val-split is the one --help describes (a tenth).
     */
    @Test
    void limitZeroIsRefusedAndTheValSplitDefaultIsTheHelpsOne() throws Exception {
        for (String flag : List.of("--limit-train", "--limit-test")) {
            Run r = cli(args(tmp.resolve("zero"), "--epochs", "1", flag, "0"));
            assertThat(r.code()).as(flag).isNotZero();
            assertThat(r.err().trim()).as(flag).startsWith("resnet4j: " + flag + ": must be at least 1").doesNotContain("\n");
            assertThat(tmp.resolve("zero")).doesNotExist();
        }
        String help = cli("train", "--help").out().replaceAll("\\s+", " ");
        assertThat(help).contains("default: a tenth of the training images").doesNotContain("none for other data sets");
        Path run = tmp.resolve("default-split");
        List<String> a = args(run, "--epochs", "1");
        int i = a.indexOf("--val-split");
        a.subList(i, i + 2).clear();
        Run r = cli(a);
        assertThat(r.code()).as(r.err()).isZero();
        com.google.gson.JsonObject d = com.google.gson.JsonParser.parseString(Files.readString(run.resolve("config.json")))
                .getAsJsonObject().getAsJsonObject("dataset");
        int all = d.get("train_images").getAsInt() + d.get("val_images").getAsInt();
        assertThat(all).isEqualTo(80);
        assertThat(d.get("val_images").getAsInt()).isEqualTo(all / 10);
    }

    /**
     * Issue 17 item 12, as issue 18 changed it: --input is the network's input, so grey 8x8 images train an
     * RGB 16x16 network (converted and resized when loaded) rather than being refused with a wrong shape.
     */
    @Test
    void inputConvertsAndResizesGreyImages() throws Exception {
        Path grey = tmp.resolve("grey");
        var set = TestData.images("g", 40, 5);
        for (int i = 0; i < set.size(); i++) {
            Path f = grey.resolve(i < 32 ? "train" : "test").resolve("c" + set.label(i)).resolve(i + ".png");
            Files.createDirectories(f.getParent());
            BufferedImage img = new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 8; x++) {
                    img.getRaster().setSample(x, y, 0, set.pixels()[i * 192 + (y * 8 + x) * 3] & 0xff);
                }
            }
            ImageIO.write(img, "png", f.toFile());
        }
        // --input is the network's input: the images are converted to its channels and resized to its size
        List<String> a = args(tmp.resolve("g1"), "--epochs", "1", "--input", "3x16x16");
        a.set(a.indexOf("--data") + 1, grey.toString());
        Run r = cli(a);
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(Files.readString(tmp.resolve("g1/config.json"))).contains("\"input\": \"3x16x16\"");
        try (org.resnet4j.model.ResNetModel m = org.resnet4j.model.ResNetModel.load(tmp.resolve("g1/model"))) {
            assertThat(m.spec().inputChannels()).isEqualTo(3);
            assertThat(m.spec().inputHeight()).isEqualTo(16);
        }
    }

    /** Issue 17 item 9: settings that do not fit the data are refused before the run directory exists. */
    @Test
    void errorsFoundWithTheDataLeaveNoRunDirectory() throws Exception {
        Path testOnly = tmp.resolve("test-only.zip");
        try (var zip = new java.util.zip.ZipOutputStream(Files.newOutputStream(testOnly));
                var files = Files.walk(data.resolve("test"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                zip.putNextEntry(new java.util.zip.ZipEntry(data.relativize(f).toString()));
                zip.write(Files.readAllBytes(f));
                zip.closeEntry();
            }
        }
        String[][] cases = {
            {"--val-split", "100000"},
            {"--batch-size", "1000"},
            {"--classes", "3"},
            {"--data", testOnly.toString()},
        };
        for (String[] c : cases) {
            Path out = tmp.resolve("run" + c[0]);
            List<String> a = args(out, "--epochs", "1");
            int i = a.indexOf(c[0]);
            if (i >= 0) {
                a.set(i + 1, c[1]);
            } else {
                a.addAll(List.of(c));
            }
            Run r = cli(a);
            assertThat(r.code()).as(String.join(" ", c)).isNotZero();
            assertThat(r.err().trim()).as(String.join(" ", c)).startsWith("resnet4j: ").doesNotContain("\n");
            assertThat(out).as(String.join(" ", c)).doesNotExist();
        }
    }

    @Test
    void errorsAreOneLineNamingTheFlagOrFile() throws Exception {
        Path file = tmp.resolve("file");
        Files.writeString(file, "x");
        String[][] cases = {
            {"--lr", "-1", "--lr:"},
            {"--schedule", "foo:x", "--schedule:"},
            {"--model", "resnet7", "resnet7"},
            {"--optimizer", "rmsprop", "--optimizer:"},
            {"--val-split", "1000", "--val-split"},
        };
        for (String[] c : cases) {
            List<String> a = new ArrayList<>(List.of("train", "--dataset", "folder", "--data", data.toString(), "--out",
                    tmp.resolve("x").toString(), "--epochs", "1", "--threads", "1", c[0] + "=" + c[1]));
            if (!c[0].equals("--model")) {
                a.addAll(List.of("--model", "resnet8"));
            }
            Run r = cli(a);
            assertThat(r.code()).as(String.join(" ", c)).isEqualTo(2); // bad command line
            assertThat(r.err().trim()).as(String.join(" ", c)).contains(c[2]).doesNotContain("\n").doesNotContain("Exception");
        }
        Run unwritable = cli(args(file.resolve("run"), "--epochs", "1"));
        assertThat(unwritable.code()).isEqualTo(1);
        assertThat(unwritable.err().trim()).startsWith("resnet4j: --out " + file.resolve("run")).doesNotContain("\n");
        Run noData = cli("train", "--dataset", "folder", "--data", tmp.resolve("nothing").toString(), "--out", tmp.resolve("y").toString());
        assertThat(noData.code()).isEqualTo(1);
        assertThat(noData.err().trim()).contains("nothing").doesNotContain("\n");
        Run notRun = cli("train", "--resume", tmp.toString());
        assertThat(notRun.code()).isEqualTo(1);
        assertThat(notRun.err()).contains("--resume").contains("not a ResNet4J run directory");
        Run missing = cli("train", "--resume", tmp.resolve("nope").toString());
        assertThat(missing.code()).isEqualTo(1);
        assertThat(missing.err()).contains("no such directory");
        Run badFlag = cli("train", "--lrr", "1");
        assertThat(badFlag.code()).isEqualTo(2);
        Run badConfig = cli("train", "--config", tmp.resolve("none.json").toString());
        assertThat(badConfig.code()).isEqualTo(1);
        assertThat(badConfig.err()).contains("--config");
    }

    @Test
    void sigtermCheckpointsAndKillNineLosesAtMostAnEpoch() throws Exception {
        Path run = tmp.resolve("signal");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args(run, "--epochs", "10000"));
        Path errLog = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectError(errLog.toFile()).redirectOutput(tmp.resolve("out.txt").toFile()).start();
        waitForEpochs(run, 2, p);
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(143);
        assertThat(Files.readString(errLog)).contains("checkpoint written to").contains("Resume with: ./resnet4j train --resume " + run)
                .as("no warning while the JVM shuts down").doesNotContain("warning").doesNotContain("Exception");
        Checkpoint.State afterTerm = Checkpoint.load(run.resolve(Trainer.LAST)).state();
        long stoppedAt = afterTerm.iteration();
        assertThat(stoppedAt).isGreaterThanOrEqualTo(8);

        // resume in a child, kill -9 it after another epoch, then resume here
        List<String> resume = new ArrayList<>(cmd.subList(0, 7)); // java ... Main, as the launcher starts it
        resume.addAll(List.of("train", "--resume", run.toString(), "--quiet"));
        Process q = new ProcessBuilder(resume).redirectErrorStream(true).redirectOutput(tmp.resolve("out2.txt").toFile()).start();
        waitForEpochs(run, MetricsLog.read(run.resolve("metrics.csv")).size() + 1, q);
        q.destroyForcibly(); // SIGKILL
        q.waitFor(60, TimeUnit.SECONDS);
        Checkpoint.State afterKill = Checkpoint.load(run.resolve(Trainer.LAST)).state();
        assertThat(afterKill.iteration()).isGreaterThan(stoppedAt);
        int done = MetricsLog.read(run.resolve("metrics.csv")).size();
        Run r = cli("train", "--resume", run.toString(), "--epochs", Integer.toString(done + 1), "--quiet");
        assertThat(r.code()).as(r.err()).isEqualTo(0);
        assertThat(r.out()).contains("resuming");
        assertThat(MetricsLog.read(run.resolve("metrics.csv"))).hasSize(done + 1);
    }

    /**
     * Issue 17 items 6 and 5: while one process trains in a run directory, a second is refused with one
     * line naming its pid; Ctrl-C (SIGINT) then stops the first with a checkpoint and exit code 130, as
     * --help says (SIGTERM: 143, {@link #sigtermCheckpointsAndKillNineLosesAtMostAnEpoch}).
     */
    @Test
    void oneProcessPerRunDirectoryAndCtrlCExits130() throws Exception {
        Process probe = new ProcessBuilder("env", "--default-signal=INT", "true").start();
        org.junit.jupiter.api.Assumptions.assumeTrue(probe.waitFor(20, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "env --default-signal not available: skipping");
        Path run = tmp.resolve("locked");
        // SIGINT's default action, whatever the test runner inherited (a background job ignores it)
        List<String> cmd = new ArrayList<>(List.of("env", "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(args(run, "--epochs", "10000"));
        Path errLog = tmp.resolve("first-err.txt");
        Process p = new ProcessBuilder(cmd).redirectError(errLog.toFile()).redirectOutput(tmp.resolve("first.txt").toFile()).start();
        try {
            waitForEpochs(run, 1, p);
            Run second = cli("train", "--resume", run.toString(), "--epochs", "20000", "--quiet");
            assertThat(second.code()).isEqualTo(1);
            assertThat(second.err().trim()).contains("pid " + p.pid()).contains(run.toString()).doesNotContain("\n");
            assertThat(p.isAlive()).isTrue();
            new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor(20, TimeUnit.SECONDS);
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(130);
            assertThat(Files.readString(errLog)).contains("checkpoint written to");
        } finally {
            p.destroyForcibly();
            p.waitFor(60, TimeUnit.SECONDS);
        }
        String help = cli("train", "--help").out();
        assertThat(help).containsPattern("130\\s+stopped by Ctrl-C").containsPattern("143\\s+stopped by SIGTERM")
                .containsPattern("2\\s+bad command line");
    }

    private static void waitForEpochs(Path run, int epochs, Process p) throws Exception {
        // generous: a tiny epoch takes seconds alone, but minutes when the machine is busy (a niced
        // test run beside a training run); the limit only has to catch a hung process
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as("training process ended early").isTrue();
            Path csv = run.resolve("metrics.csv");
            if (Files.exists(csv) && MetricsLog.read(csv).size() >= epochs) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no epoch " + epochs + " within 300 s");
    }
}
