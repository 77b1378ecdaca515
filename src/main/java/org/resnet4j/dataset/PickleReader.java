package org.resnet4j.dataset;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A minimal, safe reader for the python pickles CIFAR ships (protocol 2, written by Python 2, and
 * the same data re-pickled by Python 3 with protocols 2 to 4).
 *
 * <p>It is a data-only stack machine: dicts, lists, tuples, ints, floats, strings, bytes, and numpy
 * uint8 arrays rebuilt from their raw bytes. The only globals it knows are the handful numpy and
 * {@code _codecs} pickles name; it never runs code, and any other opcode or global is refused.
 * Python 2 {@code str} values come back as {@code byte[]}, {@code unicode} as {@link String}.
 */
final class PickleReader {
    /** A numpy array rebuilt by {@code _reconstruct} + {@code __setstate__}. */
    static final class NdArray {
        int[] shape = new int[0];
        String dtype;
        byte[] data;
    }

    private record Global(String module, String name) {}

    private record Dtype(String code) {}

    private static final Set<String> RECONSTRUCT = Set.of("numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct");
    private static final Set<String> NDARRAY = Set.of("numpy.ndarray");
    private static final Set<String> DTYPE = Set.of("numpy.dtype");
    private static final Set<String> ENCODE = Set.of("_codecs.encode");
    private static final Object MARK = new Object();

    private final byte[] b;
    private final String file;
    private int pos;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Integer, Object> memo = new HashMap<>();

    private PickleReader(byte[] bytes, String file) {
        this.b = bytes;
        this.file = file;
    }

    /** The object a pickle holds. {@code file} names it in errors. */
    static Object read(byte[] bytes, String file) {
        return new PickleReader(bytes, file).run();
    }

    private Object run() {
        while (true) {
            if (pos >= b.length) {
                throw fail("truncated pickle (no STOP opcode)");
            }
            int op = b[pos++] & 0xFF;
            switch (op) {
                case 0x80 -> { // PROTO
                    int v = u8();
                    if (v < 2 || v > 5) {
                        throw fail("pickle protocol " + v + " is not supported (2 to 5 are)");
                    }
                }
                case 0x95 -> need(8).skip(8); // FRAME
                case '.' -> { // STOP
                    if (stack.size() != 1) {
                        throw fail("malformed pickle (" + stack.size() + " objects left at STOP)");
                    }
                    return stack.get(0);
                }
                case '(' -> {
                    marks.add(stack.size());
                    stack.add(MARK);
                }
                case '}' -> stack.add(new LinkedHashMap<Object, Object>());
                case ']' -> stack.add(new ArrayList<Object>());
                case ')' -> stack.add(List.of());
                case 'N' -> stack.add(null);
                case 0x88 -> stack.add(Boolean.TRUE);
                case 0x89 -> stack.add(Boolean.FALSE);
                case 'K' -> stack.add((long) u8());
                case 'M' -> stack.add((long) (u8() | u8() << 8));
                case 'J' -> stack.add((long) i32());
                case 0x8A -> stack.add(long1());
                case 'G' -> stack.add(Double.longBitsToDouble(be64()));
                case 'U' -> stack.add(bytes(u8()));
                case 'T', 'B' -> stack.add(bytes(len32()));
                case 'C' -> stack.add(bytes(u8()));
                case 0x8E, 0x96 -> stack.add(bytes(len64()));
                case 'X' -> stack.add(text(len32()));
                case 0x8C -> stack.add(text(u8()));
                case 0x8D -> stack.add(text(len64()));
                case 'q' -> memo.put(u8(), top());
                case 'r' -> memo.put(len32(), top());
                case 0x94 -> memo.put(memo.size(), top());
                case 'h' -> stack.add(memoGet(u8()));
                case 'j' -> stack.add(memoGet(len32()));
                case 't' -> stack.add(nullSafe(popMark()));
                case 'l' -> stack.add(new ArrayList<>(popMark()));
                case 0x85 -> stack.add(tuple(1));
                case 0x86 -> stack.add(tuple(2));
                case 0x87 -> stack.add(tuple(3));
                case 'a' -> {
                    Object v = pop();
                    list(top()).add(v);
                }
                case 'e' -> {
                    List<Object> items = popMark();
                    list(top()).addAll(items);
                }
                case 's' -> {
                    Object v = pop();
                    Object k = pop();
                    dict(top()).put(key(k), v);
                }
                case 'u' -> {
                    List<Object> items = popMark();
                    Map<Object, Object> d = dict(top());
                    for (int i = 0; i + 1 < items.size(); i += 2) {
                        d.put(key(items.get(i)), items.get(i + 1));
                    }
                }
                case 'c' -> stack.add(new Global(line(), line()));
                case 0x93 -> {
                    Object name = pop();
                    Object module = pop();
                    stack.add(new Global(string(module), string(name)));
                }
                case 'R' -> {
                    Object args = pop();
                    Object callable = pop();
                    stack.add(reduce(callable, args));
                }
                case 'b' -> {
                    Object state = pop();
                    build(top(), state);
                }
                default -> throw fail(String.format("pickle opcode 0x%02x at byte %d is not allowed (only plain data and numpy arrays are read)", op, pos - 1));
            }
        }
    }

    private Object reduce(Object callable, Object args) {
        if (!(callable instanceof Global g) || !(args instanceof List<?> a)) {
            throw fail("malformed pickle (REDUCE without a global)");
        }
        String qualified = g.module() + "." + g.name();
        if (RECONSTRUCT.contains(qualified)) {
            return new NdArray();
        }
        if (DTYPE.contains(qualified) && !a.isEmpty()) {
            return new Dtype(string(a.get(0)));
        }
        if (ENCODE.contains(qualified) && a.size() == 2 && a.get(0) instanceof String s) {
            return s.getBytes(StandardCharsets.ISO_8859_1); // how Python 3 pickles bytes at protocol 2
        }
        throw fail("pickle calls " + qualified + ", which is not allowed (only numpy arrays are rebuilt)");
    }

    private void build(Object target, Object state) {
        if (target instanceof Dtype) {
            return; // byte order and flags: irrelevant for uint8
        }
        if (!(target instanceof NdArray arr) || !(state instanceof List<?> s) || s.size() != 5) {
            throw fail("malformed pickle (BUILD on something other than a numpy array)");
        }
        if (!(s.get(1) instanceof List<?> shape) || !(s.get(2) instanceof Dtype dt)) {
            throw fail("malformed numpy array state");
        }
        arr.shape = shape.stream().mapToInt(x -> Math.toIntExact((Long) x)).toArray();
        arr.dtype = dt.code();
        Object raw = s.get(4);
        if (raw instanceof String str) {
            arr.data = str.getBytes(StandardCharsets.ISO_8859_1);
        } else if (raw instanceof byte[] bytes) {
            arr.data = bytes;
        } else {
            throw fail("numpy array of dtype " + dt.code() + " is not stored as raw bytes");
        }
    }

    /** Dict keys need value equality: byte strings become latin-1 Strings. */
    private static Object key(Object k) {
        return k instanceof byte[] bytes ? new String(bytes, StandardCharsets.ISO_8859_1) : k;
    }

    private String string(Object o) {
        if (o instanceof String s) {
            return s;
        }
        if (o instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.ISO_8859_1);
        }
        throw fail("malformed pickle (expected a string)");
    }

    private List<Object> tuple(int n) {
        if (stack.size() < n) {
            throw fail("malformed pickle (stack underflow)");
        }
        List<Object> items = new ArrayList<>(stack.subList(stack.size() - n, stack.size()));
        stack.subList(stack.size() - n, stack.size()).clear();
        return Arrays.asList(items.toArray());
    }

    private static List<Object> nullSafe(List<Object> items) {
        return Arrays.asList(items.toArray()); // fixed size, and may hold None
    }

    private List<Object> popMark() {
        if (marks.isEmpty()) {
            throw fail("malformed pickle (no MARK)");
        }
        int m = marks.remove(marks.size() - 1);
        List<Object> items = new ArrayList<>(stack.subList(m + 1, stack.size()));
        stack.subList(m, stack.size()).clear();
        return items;
    }

    @SuppressWarnings("unchecked")
    private List<Object> list(Object o) {
        if (o instanceof ArrayList<?>) {
            return (List<Object>) o;
        }
        throw fail("malformed pickle (APPEND to a non-list)");
    }

    @SuppressWarnings("unchecked")
    private Map<Object, Object> dict(Object o) {
        if (o instanceof Map<?, ?>) {
            return (Map<Object, Object>) o;
        }
        throw fail("malformed pickle (SETITEM on a non-dict)");
    }

    private Object top() {
        if (stack.isEmpty() || stack.get(stack.size() - 1) == MARK) {
            throw fail("malformed pickle (stack underflow)");
        }
        return stack.get(stack.size() - 1);
    }

    private Object pop() {
        Object o = top();
        stack.remove(stack.size() - 1);
        return o;
    }

    private Object memoGet(int i) {
        if (!memo.containsKey(i)) {
            throw fail("malformed pickle (memo " + i + " undefined)");
        }
        return memo.get(i);
    }

    private PickleReader need(long n) {
        if (n < 0 || n > b.length - pos) {
            throw fail("truncated pickle (needs " + n + " more bytes at byte " + pos + ", the file ends at " + b.length + ")");
        }
        return this;
    }

    private void skip(int n) {
        pos += n;
    }

    private int u8() {
        need(1);
        return b[pos++] & 0xFF;
    }

    private int i32() {
        need(4);
        int v = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8 | (b[pos + 2] & 0xFF) << 16 | (b[pos + 3] & 0xFF) << 24;
        pos += 4;
        return v;
    }

    private int len32() {
        int v = i32();
        if (v < 0) {
            throw fail("malformed pickle (negative length)");
        }
        return v;
    }

    private int len64() {
        long lo = i32() & 0xFFFFFFFFL;
        long hi = i32() & 0xFFFFFFFFL;
        long v = lo | hi << 32;
        if (v > Integer.MAX_VALUE) {
            throw fail("pickle object of " + v + " bytes is too large");
        }
        return (int) v;
    }

    private long be64() {
        need(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[pos++] & 0xFF);
        }
        return v;
    }

    private Long long1() {
        int n = u8();
        if (n > 8) {
            throw fail("integer of " + n + " bytes is too large");
        }
        need(n);
        long v = 0;
        for (int i = n - 1; i >= 0; i--) {
            v = v << 8 | (b[pos + i] & 0xFF);
        }
        if (n > 0 && n < 8 && (b[pos + n - 1] & 0x80) != 0) {
            v -= 1L << (8 * n);
        }
        pos += n;
        return v;
    }

    private byte[] bytes(int n) {
        need(n);
        byte[] out = Arrays.copyOfRange(b, pos, pos + n);
        pos += n;
        return out;
    }

    private String text(int n) {
        need(n);
        String s = new String(b, pos, n, StandardCharsets.UTF_8);
        pos += n;
        return s;
    }

    private String line() {
        int start = pos;
        while (pos < b.length && b[pos] != '\n') {
            pos++;
        }
        if (pos >= b.length) {
            throw fail("truncated pickle (unterminated GLOBAL)");
        }
        return new String(b, start, pos++ - start, StandardCharsets.US_ASCII);
    }

    private RuntimeException fail(String what) {
        return new org.resnet4j.ResNet4jException(file + ": " + what);
    }
}
