package org.resnet4j.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.ResNet4jException;

/** {@code data download} against a local HTTP server serving small archives built here. */
class DownloadsTest {
    @TempDir Path tmp;
    HttpServer server;
    final Map<String, byte[]> files = new java.util.HashMap<>();
    final List<String> ranges = new ArrayList<>();
    final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = files.get(exchange.getRequestURI().getPath().substring(1));
            String range = exchange.getRequestHeaders().getFirst("Range");
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
            } else if (range != null) {
                ranges.add(range);
                int from = Integer.parseInt(range.substring("bytes=".length(), range.length() - 1));
                byte[] rest = Arrays.copyOfRange(body, from, body.length);
                exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (body.length - 1) + "/" + body.length);
                exchange.sendResponseHeaders(206, rest.length);
                exchange.getResponseBody().write(rest);
            } else {
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    /** A .tar.gz of {@code name -> content} in ustar format. */
    static byte[] tarGz(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            for (var e : entries.entrySet()) {
                byte[] h = new byte[512];
                put(h, 0, e.getKey());
                put(h, 100, "0000644");
                put(h, 124, String.format("%011o", e.getValue().length));
                h[156] = '0';
                put(h, 257, "ustar");
                Arrays.fill(h, 148, 156, (byte) ' ');
                int sum = 0;
                for (byte b : h) {
                    sum += b & 0xFF;
                }
                put(h, 148, String.format("%06o", sum));
                out.write(h);
                out.write(e.getValue());
                out.write(new byte[(512 - e.getValue().length % 512) % 512]);
            }
            out.write(new byte[1024]);
        }
        return bytes.toByteArray();
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    private Downloads cifar(byte[] archive, String md5) {
        files.put("cifar-10-binary.tar.gz", archive);
        return new Downloads(Map.of("cifar10", List.of(new Downloads.Archive("https://example.invalid/cifar-10-binary.tar.gz", md5,
                "cifar-10-batches-bin"))), base(), quiet);
    }

    private static String md5(byte[] b) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(b));
    }

    @Test
    void downloadsVerifiesExtractsAndTheReaderFindsIt() throws Exception {
        byte[] batch = CifarFiles.binary(new byte[3072 * 2], new int[] {3, 4});
        byte[] archive = tarGz(Map.of("cifar-10-batches-bin/test_batch.bin", batch));
        Path folder = cifar(archive, md5(archive)).download("cifar10", tmp);
        assertThat(folder).isEqualTo(tmp.resolve("cifar-10-batches-bin"));
        assertThat(Files.readAllBytes(folder.resolve("test_batch.bin"))).isEqualTo(batch);
        assertThat(tmp.resolve("cifar-10-binary.tar.gz")).doesNotExist();
        assertThat(Datasets.load("cifar10", tmp, new LoadOptions(false, 0, false, true)).test().labels()).containsExactly(3, 4);
    }

    @Test
    void checksumMismatchFailsAndRemovesTheDownload() throws Exception {
        byte[] archive = tarGz(Map.of("cifar-10-batches-bin/x", new byte[10]));
        Downloads d = cifar(archive, "00000000000000000000000000000000");
        assertThatThrownBy(() -> d.download("cifar10", tmp)).isInstanceOf(ResNet4jException.class)
                .hasMessage(base() + "cifar-10-binary.tar.gz: checksum mismatch (md5 " + md5(archive)
                        + ", expected 00000000000000000000000000000000); the download was removed, run the command again");
        assertThat(tmp.resolve("cifar-10-binary.tar.gz.part")).doesNotExist();
        assertThat(tmp.resolve("cifar-10-batches-bin")).doesNotExist();
    }

    @Test
    void resumesAPartialDownloadWithARangeRequest() throws Exception {
        byte[] images = new byte[5000];
        new java.util.Random(1).nextBytes(images);
        files.put("train-images-idx3-ubyte.gz", images);
        Downloads d = new Downloads(Map.of("mnist", List.of(new Downloads.Archive("https://example.invalid/train-images-idx3-ubyte.gz",
                md5(images), "mnist"))), base(), quiet);
        Files.createDirectories(tmp.resolve("mnist"));
        Files.write(tmp.resolve("mnist/train-images-idx3-ubyte.gz.part"), Arrays.copyOf(images, 1234));
        d.download("mnist", tmp);
        assertThat(ranges).containsExactly("bytes=1234-");
        assertThat(Files.readAllBytes(tmp.resolve("mnist/train-images-idx3-ubyte.gz"))).isEqualTo(images);
        d.download("mnist", tmp); // already there and verified: nothing fetched
        assertThat(ranges).hasSize(1);
    }

    @Test
    void withoutNetworkOneClearLine() throws Exception {
        Downloads d = cifar(new byte[1], "x");
        server.stop(0);
        assertThatThrownBy(() -> d.download("cifar10", tmp)).isInstanceOf(ResNet4jException.class)
                .hasMessage("cannot download " + base() + "cifar-10-binary.tar.gz: cannot connect (no network?)");
    }

    @Test
    void tarEntriesOutsideTheTargetAreRefused() throws Exception {
        Path archive = tmp.resolve("evil.tar.gz");
        Files.write(archive, tarGz(Map.of("../escape.txt", new byte[1])));
        assertThatThrownBy(() -> TarGzExtractor.extract(archive, tmp.resolve("out")))
                .hasMessageContaining("entry '../escape.txt' would be written outside");
    }
}
