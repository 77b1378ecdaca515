package org.resnet4j.util;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.resnet4j.ResNet4jException;

/**
 * A safe reader for Python pickles (protocols 2 to 5): a data-only stack machine that never runs
 * code. It rebuilds dicts, lists, tuples, ints, floats, strings and bytes itself; every other
 * object comes from an {@link Allowlist}, which names the few globals (classes, functions) a
 * pickle of its kind may mention and builds a Java stand-in for each call of them. A pickle that
 * names any other global is refused at that opcode, before anything after it is read; opcodes for
 * code (INST, OBJ, EXT) and text-protocol leftovers are refused too.
 *
 * <p>Python 2 {@code str} values come back as {@code byte[]}, {@code unicode} as {@link String},
 * ints as {@link Long} ({@link BigInteger} beyond 64 bits), floats as {@link Double}, tuples and
 * lists as {@link List}, dicts as {@link LinkedHashMap} (byte-string keys as latin-1 Strings).
 */
public final class PickleReader {
    /** What a pickle of one kind may name, and the Java objects its calls stand for. */
    public interface Allowlist {
        /** Whether the pickle may name {@code global} ({@code module.name}) at all. */
        boolean allows(String global);

        /**
         * The object {@code global(*args)} stands for (REDUCE and NEWOBJ). Throw
         * {@link IllegalArgumentException} with a message to refuse it.
         */
        Object call(String global, List<Object> args);

        /** Applies BUILD's {@code state} to {@code target}; by default refused. */
        default void build(Object target, Object state) {
            throw new IllegalArgumentException("BUILD on " + describe(target) + " is not allowed");
        }

        /** The one line that refuses a global {@link #allows} does not admit. */
        default String refusal(String global) {
            return "the pickle names " + global + ", which is not on the allowlist; refused without running anything";
        }

        /** The object a persistent id stands for (BINPERSID); by default refused. */
        default Object persistent(Object pid) {
            throw new IllegalArgumentException("persistent ids are not allowed in this pickle");
        }
    }

    /** A global that the allowlist admitted, as pushed by GLOBAL and STACK_GLOBAL. */
    public record Global(String module, String name) {
        public String qualified() {
            return module + "." + name;
        }
    }

    /** What {@link #read(byte[], int, String, Allowlist)} found and where the pickle ended. */
    public record Result(Object value, int end) {}

    private static final Object MARK = new Object();

    private final byte[] b;
    private final String file;
    private final Allowlist allowlist;
    private int pos;
    private final List<Object> stack = new ArrayList<>();
    private final List<Integer> marks = new ArrayList<>();
    private final Map<Integer, Object> memo = new HashMap<>();

    private PickleReader(byte[] bytes, int offset, String file, Allowlist allowlist) {
        this.b = bytes;
        this.pos = offset;
        this.file = file;
        this.allowlist = allowlist;
    }

    /** The object a pickle holds. {@code file} names it in errors. */
    public static Object read(byte[] bytes, String file, Allowlist allowlist) {
        return read(bytes, 0, file, allowlist).value();
    }

    /** The object of the pickle that starts at {@code offset}, and the offset just past its STOP. */
    public static Result read(byte[] bytes, int offset, String file, Allowlist allowlist) {
        PickleReader r = new PickleReader(bytes, offset, file, allowlist);
        Object value = r.run();
        return new Result(value, r.pos);
    }

    /** {@code _codecs.encode(text, 'latin1')}: how Python 3 pickles {@code bytes} at protocol 2. */
    public static byte[] latin1(List<Object> args) {
        if (args.size() != 2 || !(args.get(0) instanceof String s)) {
            throw new IllegalArgumentException("_codecs.encode with unexpected arguments");
        }
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** A short description of a pickled value for messages: its Python-like type. */
    public static String describe(Object o) {
        if (o == null) {
            return "None";
        }
        if (o instanceof Map<?, ?> m) {
            return "a dict of " + m.size() + " entries";
        }
        if (o instanceof List<?> l) {
            return "a sequence of " + l.size() + " items";
        }
        if (o instanceof Global g) {
            return g.qualified();
        }
        return "a " + o.getClass().getSimpleName();
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
                case '0' -> pop(); // POP
                case '1' -> popMark(); // POP_MARK
                case '2' -> stack.add(top()); // DUP
                case '}' -> stack.add(new LinkedHashMap<Object, Object>());
                case ']' -> stack.add(new ArrayList<Object>());
                case ')' -> stack.add(List.of());
                case 'N' -> stack.add(null);
                case 0x88 -> stack.add(Boolean.TRUE);
                case 0x89 -> stack.add(Boolean.FALSE);
                case 'K' -> stack.add((long) u8());
                case 'M' -> stack.add((long) (u8() | u8() << 8));
                case 'J' -> stack.add((long) i32());
                case 0x8A -> stack.add(longN(u8()));
                case 0x8B -> stack.add(longN(len32())); // LONG4
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
                case 'c' -> stack.add(global(line(), line()));
                case 0x93 -> { // STACK_GLOBAL
                    Object name = pop();
                    Object module = pop();
                    stack.add(global(string(module), string(name)));
                }
                case 'R', 0x81 -> { // REDUCE, NEWOBJ
                    Object args = pop();
                    Object callable = pop();
                    stack.add(call(callable, args));
                }
                case 'b' -> {
                    Object state = pop();
                    Object target = top();
                    try {
                        allowlist.build(target, state);
                    } catch (IllegalArgumentException e) {
                        throw fail(e.getMessage());
                    }
                }
                case 'Q' -> { // BINPERSID
                    Object pid = pop();
                    try {
                        stack.add(allowlist.persistent(pid));
                    } catch (IllegalArgumentException e) {
                        throw fail(e.getMessage());
                    }
                }
                default -> throw fail(String.format("pickle opcode 0x%02x at byte %d is not allowed (only plain data "
                        + "and allowed objects are read)", op, pos - 1));
            }
        }
    }

    private Global global(String module, String name) {
        String qualified = module + "." + name;
        if (!allowlist.allows(qualified)) {
            throw fail(allowlist.refusal(qualified));
        }
        return new Global(module, name);
    }

    private Object call(Object callable, Object args) {
        if (!(callable instanceof Global g) || !(args instanceof List<?> a)) {
            throw fail("malformed pickle (a call of " + describe(callable) + " that is not an allowed global)");
        }
        try {
            return allowlist.call(g.qualified(), new ArrayList<>(a));
        } catch (IllegalArgumentException e) {
            throw fail(e.getMessage());
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
        if (stack.size() < n || stack.subList(stack.size() - n, stack.size()).contains(MARK)) {
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

    /** A little-endian two's-complement integer of {@code n} bytes (LONG1, LONG4). */
    private Object longN(int n) {
        if (n > 1024) {
            throw fail("integer of " + n + " bytes is too large");
        }
        need(n);
        byte[] bigEndian = new byte[n];
        for (int i = 0; i < n; i++) {
            bigEndian[i] = b[pos + n - 1 - i];
        }
        pos += n;
        if (n == 0) {
            return 0L;
        }
        BigInteger v = new BigInteger(bigEndian);
        return v.bitLength() < 64 ? (Object) v.longValue() : v;
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
        return new ResNet4jException(file + ": " + what);
    }
}
