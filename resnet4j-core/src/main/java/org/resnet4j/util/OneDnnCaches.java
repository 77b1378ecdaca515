package org.resnet4j.util;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives oneDNN its own default cache sizes on a CPU that reports none.
 *
 * <p>oneDNN (inside libtorch) sizes the blocks of its fastest convolutions, the brgemm kernels, from
 * the per-core cache sizes that CPUID reports. Some virtual machines answer the cache-topology leaf
 * (AMD 0x8000001D, Intel 4) with zeros; oneDNN 3.7's CPU description then holds caches of 1 byte,
 * and oneDNN skips its brgemm 3x3 convolutions for slower ones (libtorch 2.7.1 on this project's VM:
 * {@code jit:avx512_core} where PyTorch 1.13 runs {@code brgconv}) and divides by zero in its 1x1
 * blocking (the JVM dies with SIGFPE). oneDNN has a fallback for exactly this case, a CPU without
 * cache information: it then assumes 32 KB L1, 512 KB L2 and 1 MB L3 per core. No setting selects
 * it, so this class does what the CPU should have: after the engine loads, it finds oneDNN's CPU
 * description in libtorch_cpu.so (by its symbol), and where the cache levels it holds all measure
 * under 1 KB per core, sets their count to zero, which is how oneDNN's CPU description says
 * "unknown". It does so before the first convolution is planned, once per JVM.
 *
 * <p>Nothing happens on a CPU that reports its caches, on other systems than Linux on x86-64, on a
 * libtorch without its symbol table, or where the memory does not look as expected; then {@link
 * #applied()} is false and the 1x1 convolutions stay matrix products ({@link
 * Devices#oneByOneAsMatrixProduct}). {@code -Dresnet4j.onednn.cacheDefaults=false} switches it off
 * (benchmarks compare both).
 */
public final class OneDnnCaches {
    private static final Logger LOG = LoggerFactory.getLogger(OneDnnCaches.class);
    /** oneDNN's CPU description (a static Xbyak::util::Cpu inside dnnl::impl::cpu::x64::cpu()) and its guard. */
    private static final String CPU_SYMBOL = "_ZZN4dnnl4impl3cpu3x643cpuEvE4cpu_";
    private static final String GUARD_SYMBOL = "_ZGVZN4dnnl4impl3cpu3x643cpuEvE4cpu_";
    /**
     * Offsets in Xbyak::util::Cpu (xbyak 7, oneDNN 3.x) of dataCacheSize_[10], coresSharingDataCache_[10]
     * and dataCacheLevels_, as get_per_core_cache_size reads them in libtorch 2.7.1.
     */
    private static final int CACHE_SIZES = 0x1c;
    private static final int CORES_SHARING = 0x44;
    private static final int LEVELS = 0x6c;
    private static final int MAX_LEVELS = 10;
    /** A per-core cache smaller than this is not a cache size a CPU has: the CPU reported none. */
    private static final int IMPLAUSIBLE_BYTES = 1024;

    private static volatile Boolean applied;

    private OneDnnCaches() {}

    /** Whether oneDNN now uses its default cache sizes instead of the CPU's absent ones; runs the check once. */
    public static boolean applied() {
        Boolean done = applied;
        if (done == null) {
            synchronized (OneDnnCaches.class) {
                done = applied;
                if (done == null) {
                    done = apply();
                    applied = done;
                }
            }
        }
        return done;
    }

    private static boolean apply() {
        if (!Boolean.parseBoolean(System.getProperty("resnet4j.onednn.cacheDefaults", "true"))
                || !System.getProperty("os.name", "").startsWith("Linux")
                || !List.of("amd64", "x86_64").contains(System.getProperty("os.arch", ""))
                || !Devices.cpuHidesCaches()) {
            return false;
        }
        try {
            Engine.getEngine("PyTorch");
            Path library = loaded("libtorch_cpu.so");
            if (library == null) {
                return false;
            }
            long[] symbols = symbols(library, CPU_SYMBOL, GUARD_SYMBOL);
            if (symbols == null) {
                return false;
            }
            long base = loadBase(library);
            constructCpuDescription();
            try (RandomAccessFile mem = new RandomAccessFile("/proc/self/mem", "rw")) {
                long cpu = base + symbols[0];
                if (readByte(mem, base + symbols[1]) == 0) {
                    return false; // not constructed: nothing to correct yet, and writing now would be undone
                }
                int levels = readInt(mem, cpu + LEVELS);
                if (levels < 1 || levels > MAX_LEVELS) {
                    return false;
                }
                for (int l = 0; l < levels; l++) {
                    int size = readInt(mem, cpu + CACHE_SIZES + 4L * l);
                    int sharing = Math.max(1, readInt(mem, cpu + CORES_SHARING + 4L * l));
                    if (size < 0 || size / sharing >= IMPLAUSIBLE_BYTES) {
                        return false; // a real cache: the CPU reports its sizes
                    }
                }
                writeInt(mem, cpu + LEVELS, 0);
                boolean done = readInt(mem, cpu + LEVELS) == 0;
                if (done) {
                    LOG.info("the CPU reports no cache sizes; oneDNN uses its defaults (32 KB L1, 512 KB L2, 1 MB L3)");
                }
                return done;
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.debug("oneDNN cache sizes left as the CPU reports them", e);
            return false;
        }
    }

    /** The file of a loaded shared library whose name is {@code name}, from /proc/self/maps; null if none. */
    private static Path loaded(String name) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            int slash = line.indexOf('/');
            if (slash > 0 && line.endsWith("/" + name)) {
                return Path.of(line.substring(slash));
            }
        }
        return null;
    }

    /** Where the library's address 0 lies in this process: the start of the mapping of the file's beginning. */
    private static long loadBase(Path library) throws IOException {
        String file = library.toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.endsWith(file)) {
                String[] f = line.split("\\s+");
                if (Long.parseLong(f[2], 16) == 0) {
                    return Long.parseUnsignedLong(f[0].substring(0, f[0].indexOf('-')), 16);
                }
            }
        }
        throw new IOException(file + " is not mapped from its start");
    }

    /**
     * The values (library addresses) of the named symbols in the ELF file's full symbol table
     * (.symtab); null where the file has none or lacks one of them. Reads the file in chunks (the
     * table of libtorch_cpu.so is 90 MB with its names) and keeps none of it.
     */
    static long[] symbols(Path elf, String... names) throws IOException {
        try (FileChannel ch = FileChannel.open(elf, StandardOpenOption.READ)) {
            ByteBuffer header = copy(read(ch, 0, 64));
            if (header.getInt(0) != 0x464c457f || header.get(4) != 2) { // "\177ELF", 64-bit
                return null;
            }
            long shoff = header.getLong(0x28);
            int shentsize = Short.toUnsignedInt(header.getShort(0x3a));
            int shnum = Short.toUnsignedInt(header.getShort(0x3c));
            ByteBuffer sections = copy(read(ch, shoff, shnum * shentsize));
            for (int s = 0; s < shnum; s++) {
                int sh = s * shentsize;
                if (sections.getInt(sh + 4) != 2) { // SHT_SYMTAB
                    continue;
                }
                int strtab = sections.getInt(sh + 0x28) * shentsize;
                List<Set<Long>> at = new ArrayList<>();
                for (String name : names) {
                    at.add(occurrences(ch, sections.getLong(strtab + 0x18), sections.getLong(strtab + 0x20),
                            (name + "\0").getBytes(StandardCharsets.US_ASCII)));
                }
                return values(ch, sections.getLong(sh + 0x18), sections.getLong(sh + 0x20), at);
            }
            return null;
        }
    }

    /** The symbol values whose name offsets are in each set, the symbol table at {@code offset}; null if one is missing. */
    private static long[] values(FileChannel ch, long offset, long size, List<Set<Long>> names) throws IOException {
        long[] values = new long[names.size()];
        int found = 0;
        int entry = 24;
        for (long pos = 0; pos + entry <= size; ) {
            ByteBuffer chunk = read(ch, offset + pos, (int) Math.min(CHUNK - CHUNK % entry, size - pos));
            for (int e = 0; e + entry <= chunk.limit(); e += entry) {
                long name = Integer.toUnsignedLong(chunk.getInt(e));
                for (int i = 0; i < values.length; i++) {
                    if (values[i] == 0 && names.get(i).contains(name)) {
                        values[i] = chunk.getLong(e + 8);
                        if (++found == values.length) {
                            return values;
                        }
                    }
                }
            }
            pos += chunk.limit() - chunk.limit() % entry;
        }
        return null;
    }

    /** Where {@code wanted} occurs in the string table at {@code offset} (names may share a tail: every place). */
    private static Set<Long> occurrences(FileChannel ch, long offset, long size, byte[] wanted) throws IOException {
        Set<Long> at = new HashSet<>();
        for (long pos = 0; pos < size; pos += CHUNK - wanted.length) {
            ByteBuffer chunk = read(ch, offset + pos, (int) Math.min(CHUNK, size - pos));
            byte[] b = chunk.array();
            outer:
            for (int i = 0; i + wanted.length <= chunk.limit(); i++) {
                if (b[i] != wanted[0]) {
                    continue;
                }
                for (int j = 1; j < wanted.length; j++) {
                    if (b[i + j] != wanted[j]) {
                        continue outer;
                    }
                }
                at.add(pos + i);
            }
            if (pos + chunk.limit() >= size) {
                break;
            }
        }
        return at;
    }

    private static final int CHUNK = 1 << 22;

    private static ByteBuffer copy(ByteBuffer b) {
        return ByteBuffer.allocate(b.remaining()).order(ByteOrder.LITTLE_ENDIAN).put(b).flip();
    }

    /** One buffer for every chunk read by this thread (the scan would otherwise leave ~100 MB of garbage). */
    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(
            () -> ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN));

    private static ByteBuffer read(FileChannel ch, long position, int length) throws IOException {
        ByteBuffer b = length <= CHUNK ? BUFFER.get().clear().limit(length)
                : ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (ch.read(b, position + b.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        return b.flip();
    }

    /**
     * Makes oneDNN read the CPU (it does on first use) without planning any computation: asks it,
     * through a one-line TorchScript module, whether the CPU has bfloat16 instructions.
     */
    private static void constructCpuDescription() throws IOException {
        String code = "class Probe(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  def forward(self: __torch__.Probe,\n"
                + "    x: Tensor) -> bool:\n"
                + "    return ops.mkldnn._is_mkldnn_bf16_supported()\n";
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            PtSymbolBlock probe = JniUtils.loadModule((PtNDManager) manager,
                    new ByteArrayInputStream(TorchScript.archive("Probe", code)), false, false);
            try (IValue x = IValue.from((PtNDArray) manager.create(0f));
                    IValue answer = probe.forward(x)) {
                answer.toBoolean();
            } finally {
                probe.close();
            }
        }
    }

    private static int readByte(RandomAccessFile mem, long address) throws IOException {
        mem.seek(address);
        return mem.read();
    }

    private static int readInt(RandomAccessFile mem, long address) throws IOException {
        mem.seek(address);
        byte[] b = new byte[4];
        mem.readFully(b);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    private static void writeInt(RandomAccessFile mem, long address, int value) throws IOException {
        mem.seek(address);
        mem.write(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
    }
}
