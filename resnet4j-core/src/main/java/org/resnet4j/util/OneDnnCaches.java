package org.resnet4j.util;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
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

    private OneDnnCaches() {}

    /** Whether oneDNN now uses its default cache sizes instead of the CPU's absent ones; checks once per JVM. */
    public static boolean applied() {
        return Once.APPLIED;
    }

    /** The JVM runs {@link #apply} when {@link #applied} is first asked, once, whichever thread asks. */
    private static final class Once {
        static final boolean APPLIED = apply();
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
            Mapping libtorch = mapping("libtorch_cpu.so");
            long[] symbols = libtorch == null ? null : symbols(libtorch.file(), CPU_SYMBOL, GUARD_SYMBOL);
            if (symbols == null) {
                return false;
            }
            long base = libtorch.base();
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

    /** A loaded shared library: its file, and where its address 0 lies in this process. */
    private record Mapping(Path file, long base) {}

    /**
     * The loaded library whose file is named {@code name}, from /proc/self/maps (its base: the start
     * of the mapping of the file's beginning); null if none is loaded.
     */
    private static Mapping mapping(String name) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            String[] f = line.split("\\s+", 6);
            if (f.length == 6 && f[5].endsWith("/" + name) && Long.parseLong(f[2], 16) == 0) {
                return new Mapping(Path.of(f[5]), Long.parseUnsignedLong(f[0].substring(0, f[0].indexOf('-')), 16));
            }
        }
        return null;
    }

    /**
     * The values (library addresses) of the named symbols in the ELF file's full symbol table
     * (.symtab); null where the file has none or lacks one of them. Reads the file in chunks (the
     * table of libtorch_cpu.so is 90 MB with its names) and keeps none of it.
     */
    static long[] symbols(Path elf, String... names) throws IOException {
        try (FileChannel ch = FileChannel.open(elf, StandardOpenOption.READ)) {
            ByteBuffer header = read(ch, 0, buffer(64));
            if (header.getInt(0) != 0x464c457f || header.get(4) != 2) { // "\177ELF", 64-bit
                return null;
            }
            long shoff = header.getLong(0x28);
            int shentsize = Short.toUnsignedInt(header.getShort(0x3a));
            int shnum = Short.toUnsignedInt(header.getShort(0x3c));
            ByteBuffer sections = read(ch, shoff, buffer(shnum * shentsize));
            ByteBuffer chunk = buffer(CHUNK);
            for (int s = 0; s < shnum; s++) {
                int sh = s * shentsize;
                if (sections.getInt(sh + 4) != 2) { // SHT_SYMTAB
                    continue;
                }
                int strtab = sections.getInt(sh + 0x28) * shentsize;
                List<long[]> at = occurrences(ch, sections.getLong(strtab + 0x18), sections.getLong(strtab + 0x20),
                        names, chunk);
                return values(ch, sections.getLong(sh + 0x18), sections.getLong(sh + 0x20), at, chunk);
            }
            return null;
        }
    }

    /** The symbol values whose name offsets are in each set, the symbol table at {@code offset}; null if one is missing. */
    private static long[] values(FileChannel ch, long offset, long size, List<long[]> names, ByteBuffer chunk)
            throws IOException {
        long[] values = new long[names.size()];
        int found = 0;
        int entry = 24;
        for (long pos = 0; pos + entry <= size; pos += chunk.limit()) {
            read(ch, offset + pos, chunk.clear().limit((int) Math.min(CHUNK - CHUNK % entry, size - pos)));
            for (int e = 0; e + entry <= chunk.limit(); e += entry) {
                int name = chunk.getInt(e);
                for (int i = 0; i < values.length; i++) {
                    if (values[i] == 0 && contains(names.get(i), name)) {
                        values[i] = chunk.getLong(e + 8);
                        if (++found == values.length) {
                            return values;
                        }
                    }
                }
            }
        }
        return null;
    }

    private static boolean contains(long[] offsets, int name) {
        for (long o : offsets) {
            if (o == Integer.toUnsignedLong(name)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Where each name occurs in the string table at {@code offset}, in one pass: every NUL that ends a
     * string is compared backwards with the names (a name may be the tail of a longer string).
     */
    private static List<long[]> occurrences(FileChannel ch, long offset, long size, String[] names, ByteBuffer chunk)
            throws IOException {
        List<byte[]> wanted = new ArrayList<>();
        List<Set<Long>> at = new ArrayList<>();
        int longest = 0;
        for (String name : names) {
            wanted.add(name.getBytes(StandardCharsets.US_ASCII));
            at.add(new HashSet<>());
            longest = Math.max(longest, name.length());
        }
        byte[] b = chunk.array();
        for (long pos = 0; pos < size; pos += CHUNK - longest) { // chunks overlap by the longest name
            read(ch, offset + pos, chunk.clear().limit((int) Math.min(CHUNK, size - pos)));
            for (int end = 0; end < chunk.limit(); end++) {
                if (b[end] != 0) {
                    continue;
                }
                for (int w = 0; w < wanted.size(); w++) {
                    if (endsAt(b, end, wanted.get(w))) {
                        at.get(w).add(pos + end - wanted.get(w).length);
                    }
                }
            }
            if (pos + chunk.limit() >= size) {
                break;
            }
        }
        return at.stream().map(set -> set.stream().mapToLong(Long::longValue).toArray()).toList();
    }

    /** Whether {@code b} holds {@code name} just before index {@code end}. */
    private static boolean endsAt(byte[] b, int end, byte[] name) {
        if (end < name.length) {
            return false;
        }
        for (int j = 1; j <= name.length; j++) {
            if (b[end - j] != name[name.length - j]) {
                return false;
            }
        }
        return true;
    }

    private static final int CHUNK = 1 << 22;

    private static ByteBuffer buffer(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Fills {@code into} up to its limit from {@code position}; returns it, positioned at 0. */
    private static ByteBuffer read(FileChannel ch, long position, ByteBuffer into) throws IOException {
        while (into.hasRemaining()) {
            if (ch.read(into, position + into.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        return into.flip();
    }

    /**
     * Makes oneDNN read the CPU (it does on first use) without planning any computation: asks it,
     * through a one-line TorchScript module, whether the CPU has bfloat16 instructions.
     */
    private static void constructCpuDescription() throws IOException {
        try (NDManager manager = Engine.getEngine("PyTorch").newBaseManager()) {
            PtSymbolBlock probe = TorchScript.load(manager, "Probe", "  def forward(self: __torch__.Probe,\n"
                    + "    x: Tensor) -> bool:\n"
                    + "    return ops.mkldnn._is_mkldnn_bf16_supported()\n");
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
