package org.resnet4j.util;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.cli.Main;
import org.resnet4j.model.Precision;
import picocli.CommandLine;

/**
 * Where bfloat16 can run: a GPU, or a CPU whose flags (/proc/cpuinfo) include AVX512_BF16 or AMX;
 * elsewhere {@code --precision bf16} is one line of notice and fp32. CPUs without them are simulated
 * through {@link Devices#cpuFlagsOverride}.
 */
class DevicesPrecisionTest {
    static final String NOTICE = "resnet4j: --precision bf16: this CPU has neither AVX512_BF16 nor AMX; computing in fp32";
    /** An AVX-512 CPU without bfloat16 arithmetic (Skylake-SP's flags, abridged). */
    static final String NO_BF16 = "fpu sse sse2 ssse3 sse4_1 sse4_2 avx avx2 fma avx512f avx512dq avx512cd avx512bw avx512vl";

    @TempDir Path tmp;

    @AfterEach
    void realFlags() {
        Devices.cpuFlagsOverride = null;
    }

    @Test
    void bf16NeedsAvx512Bf16OrAmx() {
        Devices.cpuFlagsOverride = NO_BF16;
        assertThat(Devices.cpuHasBf16()).isFalse();
        Devices.cpuFlagsOverride = NO_BF16 + " avx512_bf16 avx512_vnni";
        assertThat(Devices.cpuHasBf16()).isTrue();
        Devices.cpuFlagsOverride = NO_BF16 + " amx_bf16 amx_tile amx_int8";
        assertThat(Devices.cpuHasBf16()).isTrue();
        Devices.cpuFlagsOverride = "";
        assertThat(Devices.cpuHasBf16()).as("no /proc/cpuinfo").isFalse();
    }

    @Test
    void withoutBf16ACpuComputesInFp32AfterOneNotice() {
        List<String> notices = new ArrayList<>();
        Devices.cpuFlagsOverride = NO_BF16;
        assertThat(Precision.BF16.on(Device.cpu(), notices::add)).isEqualTo(Precision.FP32);
        assertThat(notices).containsExactly(NOTICE);
        notices.clear();
        assertThat(Precision.FP32.on(Device.cpu(), notices::add)).isEqualTo(Precision.FP32);
        assertThat(Precision.BF16.on(Device.gpu(), notices::add)).as("a GPU").isEqualTo(Precision.BF16);
        Devices.cpuFlagsOverride = NO_BF16 + " avx512_bf16";
        assertThat(Precision.BF16.on(Device.cpu(), notices::add)).isEqualTo(Precision.BF16);
        assertThat(notices).isEmpty();
    }

    @Test
    void predictOnACpuWithoutBf16SaysSoOnceAndPredictsInFp32() throws Exception {
        Path image = tmp.resolve("cat.png");
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 32; y++) {
            for (int x = 0; x < 32; x++) {
                img.setRGB(x, y, (x * 8) << 16 | (y * 8) << 8 | 128);
            }
        }
        ImageIO.write(img, "png", image.toFile());
        String[] fp32 = run("predict", "--model-dir", "models/resnet20-cifar10", "--top", "3", image.toString());
        Devices.cpuFlagsOverride = NO_BF16;
        String[] bf16 = run("predict", "--model-dir", "models/resnet20-cifar10", "--top", "3", "--precision", "bf16",
                image.toString());
        assertThat(bf16[0]).isEqualTo("0");
        assertThat(bf16[2].strip()).isEqualTo(NOTICE);
        assertThat(bf16[1]).as("fp32's predictions").isEqualTo(fp32[1]);
    }

    /** {exit code, stdout, stderr} of the tool run in-process. */
    static String[] run(String... args) {
        CommandLine cli = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }
}
