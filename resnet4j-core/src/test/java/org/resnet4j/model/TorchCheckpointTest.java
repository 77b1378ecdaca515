package org.resnet4j.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.resnet4j.ResNet4jException;
import org.resnet4j.model.TorchSave.Call;
import org.resnet4j.model.TorchSave.Tensor;
import org.resnet4j.util.Half;

/**
 * The checkpoint reader on files written by {@link TorchSave} (torch.save's two formats, from Java):
 * dtypes, strides, wrapping dicts, refusal of code, damaged files. PyTorchCheckpointTest checks
 * files that PyTorch itself wrote.
 */
class TorchCheckpointTest {
    @TempDir Path tmp;

    private static final Map<String, byte[]> STORAGES = new LinkedHashMap<>();
    private static final Map<String, String> TYPES = new LinkedHashMap<>();

    static {
        storage("0", "FloatStorage", TorchSave.f32(1, 2, 3, 4, 5, 6));
        storage("1", "HalfStorage", TorchSave.u16(Half.fromFloat(1.5f), Half.fromFloat(-2f), Half.fromFloat(0x1p-14f),
                Half.fromFloat(65504f), Half.fromFloat(0x1p-24f)));
        storage("2", "BFloat16Storage", TorchSave.u16((short) 0x4040, (short) 0xBE20));
        storage("3", "DoubleStorage", TorchSave.f64(0.1, 2.5, -1e-3));
        storage("4", "LongStorage", TorchSave.i64(7));
    }

    private static void storage(String key, String type, byte[] data) {
        STORAGES.put(key, data);
        TYPES.put(key, type);
    }

    private static Tensor t(String key, long offset, long[] size, long[] stride) {
        return new Tensor(key, TYPES.get(key), offset, size, stride);
    }

    /** Tensors of every dtype, contiguous, transposed, offset into a shared storage, and a scalar. */
    private static Map<String, Object> stateDict(String prefix) {
        Map<String, Object> sd = new LinkedHashMap<>();
        sd.put(prefix + "a.weight", t("0", 0, new long[] {2, 3}, new long[] {3, 1}));
        sd.put(prefix + "a.transposed", t("0", 0, new long[] {3, 2}, new long[] {1, 3}));
        sd.put(prefix + "a.view", t("0", 4, new long[] {2}, new long[] {1}));
        sd.put(prefix + "half", t("1", 0, new long[] {5}, new long[] {1}));
        sd.put(prefix + "bf16", t("2", 0, new long[] {2, 1}, new long[] {1, 1}));
        sd.put(prefix + "double", t("3", 1, new long[] {2}, new long[] {1}));
        sd.put(prefix + "bn.num_batches_tracked", t("4", 0, new long[] {}, new long[] {}));
        return sd;
    }

    private static void assertExpectedTensors(Map<String, HostTensor> sd) {
        assertThat(sd.keySet()).containsExactly("a.weight", "a.transposed", "a.view", "half", "bf16", "double",
                "bn.num_batches_tracked");
        assertThat(sd.get("a.weight").data()).containsExactly(1, 2, 3, 4, 5, 6);
        assertThat(sd.get("a.weight").shape()).containsExactly(2, 3);
        assertThat(sd.get("a.transposed").data()).containsExactly(1, 4, 2, 5, 3, 6);
        assertThat(sd.get("a.transposed").shape()).containsExactly(3, 2);
        assertThat(sd.get("a.view").data()).containsExactly(5, 6);
        assertThat(sd.get("half").data()).containsExactly(1.5f, -2f, 0x1p-14f, 65504f, 0x1p-24f);
        assertThat(sd.get("bf16").data()).containsExactly(3f, -0.15625f);
        assertThat(sd.get("bf16").shape()).containsExactly(2, 1);
        assertThat(sd.get("double").data()).containsExactly(2.5f, (float) -1e-3);
        assertThat(sd.get("bn.num_batches_tracked").data()).containsExactly(7f);
        assertThat(sd.get("bn.num_batches_tracked").shape()).isEmpty();
    }

    @Test
    void bothFormatsGiveEveryDtypeAndStride() throws IOException {
        Path zip = tmp.resolve("bare.pth");
        Path legacy = tmp.resolve("bare-legacy.pth");
        TorchSave.zip(zip, stateDict(""), STORAGES, TYPES);
        TorchSave.legacy(legacy, stateDict(""), STORAGES, TYPES);
        TorchCheckpoint.Contents z = TorchCheckpoint.read(zip);
        TorchCheckpoint.Contents l = TorchCheckpoint.read(legacy);
        assertThat(z.format()).isEqualTo("zip");
        assertThat(l.format()).isEqualTo("legacy");
        assertExpectedTensors(z.stateDict());
        assertExpectedTensors(l.stateDict());
        assertThat(z.wrapper()).isNull();
        assertThat(z.strippedPrefix()).isFalse();
        assertThat(z.dtypes()).containsExactlyInAnyOrder("float32", "float16", "bfloat16", "float64", "int64");
        // WeightsFile dispatches on content, whatever the name
        assertExpectedTensors(WeightsFile.read(zip));
        assertExpectedTensors(WeightsFile.read(legacy));
    }

    @Test
    void aWrappingDictIsOpenedAndItsOtherEntriesReported() throws IOException {
        for (String wrapper : TorchCheckpoint.WRAPPERS) {
            Map<String, Object> ckpt = new LinkedHashMap<>();
            ckpt.put("epoch", 90L);
            ckpt.put("arch", "resnet20");
            ckpt.put("best_acc1", t("0", 2, new long[] {}, new long[] {}));
            ckpt.put("lr", 0.125);
            ckpt.put(wrapper, stateDict("module."));
            ckpt.put("optimizer", new TorchSave.PlainDict(Map.of("state", Map.of(), "param_groups", List.of())));
            Path zip = tmp.resolve(wrapper + ".pth.tar");
            Path legacy = tmp.resolve(wrapper + "-legacy.pth.tar");
            TorchSave.zip(zip, ckpt, STORAGES, TYPES);
            TorchSave.legacy(legacy, ckpt, STORAGES, TYPES);
            for (Path f : List.of(zip, legacy)) {
                TorchCheckpoint.Contents c = TorchCheckpoint.read(f);
                assertExpectedTensors(c.stateDict());
                assertThat(c.wrapper()).isEqualTo(wrapper);
                assertThat(c.strippedPrefix()).isTrue();
                assertThat(c.otherEntries()).containsEntry("epoch", "90").containsEntry("arch", "'resnet20'")
                        .containsEntry("best_acc1", "3.00000 (tensor)").containsEntry("lr", "0.125000")
                        .containsKey("optimizer");
                assertThat(String.join("\n", c.notes())).contains("'" + wrapper + "'", "epoch = 90", "'module.' prefix stripped");
            }
        }
    }

    @Test
    void aStateDictOfARealNetworkImportsExactly() throws IOException {
        try (ResNetModel source = ResNetModel.create(ResNets.spec("resnet8"), 3)) {
            Path file = tmp.resolve("resnet8.pth");
            TorchSave.stateDict(file, source.weights(), true, "module.", Map.of("epoch", 3L));
            try (ResNetModel imported = ResNetModel.fromWeights(ResNets.spec("resnet8"), WeightsFile.read(file), file.toString())) {
                Map<String, HostTensor> a = source.weights();
                Map<String, HostTensor> b = imported.weights();
                assertThat(b.keySet()).isEqualTo(a.keySet());
                a.forEach((name, t) -> assertThat(b.get(name).data()).as(name).isEqualTo(t.data()));
            }
        }
    }

    @Test
    void codeIsRefusedWithoutRunningIt() throws IOException {
        Path marker = tmp.resolve("pwned");
        Call system = new Call("os", "system", List.of("touch " + marker));
        Call model = new Call("torchvision.models.resnet", "ResNet", List.of());
        int i = 0;
        for (Call call : List.of(system, model)) {
            Map<String, Object> ckpt = new LinkedHashMap<>();
            ckpt.put("state_dict", stateDict(""));
            ckpt.put("payload", call);
            Path zip = tmp.resolve("evil" + i + ".pth");
            Path legacy = tmp.resolve("evil" + i + "-legacy.pth");
            Path bare = tmp.resolve("evil" + i++ + ".pkl");
            TorchSave.zip(zip, ckpt, STORAGES, TYPES);
            TorchSave.legacy(legacy, ckpt, STORAGES, TYPES);
            Files.write(bare, TorchSave.pickleOf(call));
            String global = call.module() + "." + call.name();
            for (Path f : List.of(zip, legacy, bare)) {
                assertThatThrownBy(() -> WeightsFile.read(f)).isInstanceOf(ResNet4jException.class)
                        .hasMessageStartingWith(f.toString())
                        .hasMessageContaining("names " + global + ", which is not on the allowlist")
                        .hasMessageContaining("refused without running anything")
                        .hasMessageNotContaining("\n");
            }
        }
        assertThat(marker).doesNotExist();
    }

    @Test
    void damagedFilesGetOneLineNamingThem() throws IOException {
        Path zip = tmp.resolve("good.pth");
        Path legacy = tmp.resolve("good-legacy.pth");
        TorchSave.zip(zip, Map.of("state_dict", stateDict("")), STORAGES, TYPES);
        TorchSave.legacy(legacy, Map.of("state_dict", stateDict("")), STORAGES, TYPES);
        for (Path good : List.of(zip, legacy)) {
            byte[] all = Files.readAllBytes(good);
            Path cut = tmp.resolve("cut-" + good.getFileName());
            for (int n = 0; n < all.length; n += 3) {
                Files.write(cut, Arrays.copyOf(all, n));
                int length = n;
                assertThatThrownBy(() -> WeightsFile.read(cut)).as("cut at %d of %d", length, all.length)
                        .isInstanceOf(ResNet4jException.class).hasMessageContaining(cut.toString())
                        .hasMessageNotContaining("\n");
            }
        }
        Path text = Files.writeString(tmp.resolve("notes.pth"), "these are not weights\n");
        Path png = Files.write(tmp.resolve("photo.pt"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0});
        Path empty = Files.write(tmp.resolve("empty.ckpt"), new byte[0]);
        for (Path f : List.of(text, png, empty)) {
            assertThatThrownBy(() -> WeightsFile.read(f)).isInstanceOf(ResNet4jException.class)
                    .hasMessageStartingWith(f.toString()).hasMessageContaining("not a weights file");
        }
        Path pickle = Files.write(tmp.resolve("plain.pkl"), TorchSave.pickleOf(Map.of("a", 1L)));
        assertThatThrownBy(() -> WeightsFile.read(pickle)).hasMessageContaining("not a PyTorch checkpoint");
        Path notAStateDict = tmp.resolve("list.pth");
        TorchSave.zip(notAStateDict, Map.of("epoch", 3L, "losses", List.of(1.0, 2.0)), STORAGES, TYPES);
        assertThatThrownBy(() -> WeightsFile.read(notAStateDict)).hasMessageContaining("no state_dict in the checkpoint");
        Path beyond = tmp.resolve("beyond.pth");
        TorchSave.zip(beyond, Map.of("w", t("0", 2, new long[] {5}, new long[] {1})), STORAGES, TYPES);
        assertThatThrownBy(() -> WeightsFile.read(beyond)).hasMessageContaining("tensor w [5] reaches element 6");
    }

    @Test
    void halfPrecisionRoundsToNearestEven() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Half.toFloat((short) h);
            if (!Float.isNaN(f)) {
                assertThat(Half.fromFloat(f) & 0xffff).as("pattern %04x", h).isEqualTo(h);
            }
        }
        Random random = new Random(7);
        for (int i = 0; i < 100_000; i++) {
            float f = (float) ((random.nextDouble() - 0.5) * Math.pow(2, random.nextInt(40) - 28));
            short h = Half.fromFloat(f);
            double err = Math.abs(Half.toFloat(h) - (double) f);
            for (int d : new int[] {-1, 1}) {
                float neighbour = Half.toFloat((short) (h + d));
                if (Float.isFinite(neighbour) && Integer.signum((h + d) & 0x8000) == Integer.signum(h & 0x8000)) {
                    assertThat(err).as("%s -> %04x", f, h).isLessThanOrEqualTo(Math.abs(neighbour - (double) f));
                }
            }
        }
        assertThat(Half.fromFloat(1 + 0x1p-11f)).isEqualTo((short) 0x3c00); // a tie goes to the even neighbour
        assertThat(Half.fromFloat(1 + 3 * 0x1p-11f)).isEqualTo((short) 0x3c02);
        assertThat(Half.toFloat(Half.fromFloat(70000f))).isInfinite();
    }
}
