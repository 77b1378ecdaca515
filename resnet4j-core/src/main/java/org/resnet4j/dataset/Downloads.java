package org.resnet4j.dataset;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;
import org.resnet4j.util.AtomicFiles;

/**
 * {@code data download}: fetches the official archives, resuming a partial download (HTTP Range),
 * verifies their MD5 checksums, and places them atomically (download to {@code .part}, verify, rename;
 * extract to a temporary folder, rename). Set {@code RESNET4J_DOWNLOAD_BASE} to fetch every file
 * from a mirror instead ({@code BASE/<file name>}).
 */
public final class Downloads {
    /**
     * One official file. {@code folder} is where it ends up under the data directory: the folder a
     * {@code .tar.gz} extracts to, or the folder a {@code .gz} IDX file is stored in as is.
     */
    record Archive(String url, String md5, String folder) {
        String fileName() {
            return url.substring(url.lastIndexOf('/') + 1);
        }

        boolean tarGz() {
            return url.endsWith(".tar.gz");
        }
    }

    private static final String CIFAR = "https://www.cs.toronto.edu/~kriz/";
    private static final String MNIST = "https://ossci-datasets.s3.amazonaws.com/mnist/";
    private static final String FASHION = "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/";

    /** The official archives and their MD5s (the same as torchvision's tables). */
    static final Map<String, List<Archive>> OFFICIAL = Map.of(
            "cifar10", List.of(new Archive(CIFAR + "cifar-10-binary.tar.gz", "c32a1d4ab5d03f1284b67883e8d87530", "cifar-10-batches-bin")),
            "cifar100", List.of(new Archive(CIFAR + "cifar-100-binary.tar.gz", "03b5dce01913d631647c71ecec9e9cb8", "cifar-100-binary")),
            "mnist", List.of(
                    new Archive(MNIST + "train-images-idx3-ubyte.gz", "f68b3c2dcbeaaa9fbdd348bbdeb94873", "mnist"),
                    new Archive(MNIST + "train-labels-idx1-ubyte.gz", "d53e105ee54ea40749a09fcbcd1e9432", "mnist"),
                    new Archive(MNIST + "t10k-images-idx3-ubyte.gz", "9fb629c4189551a2d022fa330f9573f3", "mnist"),
                    new Archive(MNIST + "t10k-labels-idx1-ubyte.gz", "ec29112dd5afa0611ce80d1b7f02629c", "mnist")),
            "fashion-mnist", List.of(
                    new Archive(FASHION + "train-images-idx3-ubyte.gz", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", "fashion-mnist"),
                    new Archive(FASHION + "train-labels-idx1-ubyte.gz", "25c81989df183df01b3e8a0aad5dffbe", "fashion-mnist"),
                    new Archive(FASHION + "t10k-images-idx3-ubyte.gz", "bef4ecab320f06d8554ea6380940ec79", "fashion-mnist"),
                    new Archive(FASHION + "t10k-labels-idx1-ubyte.gz", "bb300cfdad3c16e7a12a480ee83cd310", "fashion-mnist")));

    private final Map<String, List<Archive>> archives;
    private final String baseOverride;
    private final PrintStream log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    Downloads(Map<String, List<Archive>> archives, String baseOverride, PrintStream log) {
        this.archives = archives;
        this.baseOverride = baseOverride == null || baseOverride.isBlank() ? null
                : baseOverride.endsWith("/") ? baseOverride : baseOverride + "/";
        this.log = log;
    }

    /** The official archives, or a mirror named by {@code RESNET4J_DOWNLOAD_BASE}; messages on stderr. */
    public static Downloads official() {
        return new Downloads(OFFICIAL, System.getenv("RESNET4J_DOWNLOAD_BASE"), System.err);
    }

    /** Downloads {@code dataset} into {@code dir} and returns where it now is. */
    public Path download(String dataset, Path dir) {
        List<Archive> list = archives.get(dataset);
        if (list == null) {
            throw new UsageException("--dataset: '" + dataset + "' cannot be downloaded (known: cifar10, cifar100, mnist, fashion-mnist)");
        }
        Path folder = dir.resolve(list.get(0).folder());
        for (Archive a : list) {
            if (a.tarGz()) {
                if (Files.isDirectory(folder)) {
                    log.println(folder + " already exists: nothing to download");
                    continue;
                }
                Path archive = dir.resolve(a.fileName());
                fetch(a, archive);
                Path tmp = dir.resolve(".extract-" + a.fileName());
                deleteTree(tmp);
                TarGzExtractor.extract(archive, tmp);
                Path extracted = tmp.resolve(a.folder());
                if (!Files.isDirectory(extracted)) {
                    throw new ResNet4jException(archive + ": the archive holds no " + a.folder() + "/ folder");
                }
                move(extracted, folder);
                deleteTree(tmp);
                delete(archive);
            } else {
                Path target = folder.resolve(a.fileName());
                if (Files.exists(target) && md5(target).equals(a.md5())) {
                    log.println(target + " already downloaded");
                    continue;
                }
                fetch(a, target);
            }
        }
        log.println(dataset + " is in " + folder);
        return folder;
    }

    private String url(Archive a) {
        return baseOverride == null ? a.url() : baseOverride + a.fileName();
    }

    /** Downloads to {@code target.part} (resuming it), checks the MD5, renames to {@code target}. */
    private void fetch(Archive a, Path target) {
        String url = url(a);
        Path part = target.resolveSibling(target.getFileName() + ".part");
        try {
            long have = Files.exists(part) ? Files.size(part) : 0;
            HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(30)).GET();
            if (have > 0) {
                req.header("Range", "bytes=" + have + "-");
            }
            HttpResponse<InputStream> resp = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            int code = resp.statusCode();
            try (InputStream body = resp.body()) {
                if (code == 416) {
                    log.println("resuming " + a.fileName() + ": already complete");
                } else if (code == 200 || code == 206) {
                    boolean append = code == 206;
                    if (append) {
                        log.println("resuming " + a.fileName() + " at " + have + " bytes");
                    } else {
                        have = 0;
                    }
                    long length = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
                    save(body, part, append, have, length < 0 ? -1 : have + length, a.fileName());
                } else {
                    throw new ResNet4jException("cannot download " + url + ": HTTP " + code);
                }
            }
            String actual = md5(part);
            if (!actual.equals(a.md5())) {
                Files.delete(part);
                throw new ResNet4jException(url + ": checksum mismatch (md5 " + actual + ", expected " + a.md5()
                        + "); the download was removed, run the command again");
            }
            AtomicFiles.move(part, target);
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new ResNet4jException("cannot download " + url + ": cannot connect (no network?)", e);
        } catch (IOException e) {
            throw new ResNet4jException("cannot download " + url + ": " + AtomicFiles.describe(e)
                    + (Files.exists(part) ? " (the partial download is kept; run again to resume)" : ""), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ResNet4jException("download of " + url + " interrupted");
        }
    }

    private void save(InputStream body, Path part, boolean append, long have, long total, String name) throws IOException {
        Files.createDirectories(part.toAbsolutePath().getParent());
        boolean terminal = System.console() != null;
        ProgressBar bar = terminal ? new ProgressBarBuilder().setTaskName(name).setInitialMax(total)
                .setUnit("MB", 1 << 20).showSpeed().setConsumer(new ConsoleProgressBarConsumer(System.err)).build() : null;
        try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING)) {
            if (!terminal) {
                log.println("downloading " + name + (total > 0 ? " (" + total / (1 << 20) + " MB)" : ""));
            }
            byte[] buf = new byte[1 << 16];
            long done = have;
            for (int n; (n = body.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                done += n;
                if (bar != null) {
                    bar.stepTo(done);
                }
            }
        } finally {
            if (bar != null) {
                bar.close();
            }
        }
    }

    static String md5(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("MD5");
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new ResNet4jException("cannot read " + file + ": " + AtomicFiles.describe(e), e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void move(Path from, Path to) {
        try {
            AtomicFiles.move(from, to);
        } catch (IOException e) {
            throw new ResNet4jException("cannot move " + from + " to " + to + ": " + AtomicFiles.describe(e), e);
        }
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new ResNet4jException("cannot delete " + p + ": " + AtomicFiles.describe(e), e);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new ResNet4jException("cannot delete " + dir + ": " + AtomicFiles.describe(e), e);
        }
    }
}
