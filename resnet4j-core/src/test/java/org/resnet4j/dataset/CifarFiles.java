package org.resnet4j.dataset;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes small CIFAR files in the official binary layout and as Python 2 numpy pickles, as the originals were made. */
final class CifarFiles {
    private CifarFiles() {}

    /** Binary records: label byte(s) then the R, G, B planes. {@code labels[k]} is one label array per label byte. */
    static byte[] binary(byte[] planes, int[]... labels) {
        int n = labels[0].length;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < n; i++) {
            for (int[] l : labels) {
                out.write(l[i]);
            }
            out.write(planes, i * 3072, 3072);
        }
        return out.toByteArray();
    }

    /** A batch dict: {'data': uint8 array N x 3072, labelKey: [...] (each key with its list)}. */
    static byte[] pickle(byte[] planes, int n, String[] labelKeys, int[]... labels) {
        Writer w = new Writer();
        w.op(0x80).op(2).op('}').op('(');
        w.str("data");
        w.global("numpy.core.multiarray", "_reconstruct").global("numpy", "ndarray").op('K').op(0).op(0x85).str("b").op(0x87).op('R');
        w.op('(').op('K').op(1).op('(').int32(n).op('M').op(3072 & 0xFF).op(3072 >> 8).op('t');
        w.global("numpy", "dtype").str("u1").op('K').op(0).op('K').op(1).op(0x87).op('R');
        w.op('(').op('K').op(3).str("|").op('N').op('N').op('N').op('J').raw(new byte[] {-1, -1, -1, -1}).op('J').raw(new byte[] {-1, -1, -1, -1})
                .op('K').op(0).op('t').op('b');
        w.op(0x89).op('T').le32(n * 3072).raw(java.util.Arrays.copyOf(planes, n * 3072)).op('t').op('b');
        for (int k = 0; k < labelKeys.length; k++) {
            w.str(labelKeys[k]).op(']').op('(');
            for (int l : labels[k]) {
                w.op('K').op(l);
            }
            w.op('e');
        }
        w.str("batch_label").str("testing batch 1 of 1");
        return w.op('u').op('.').bytes();
    }

    /** A meta dict: {key: [names...], ...}. */
    static byte[] meta(java.util.Map<String, List<String>> lists) {
        Writer w = new Writer();
        w.op(0x80).op(2).op('}').op('(');
        lists.forEach((key, names) -> {
            w.str(key).op(']').op('(');
            names.forEach(w::str);
            w.op('e');
        });
        return w.op('u').op('.').bytes();
    }

    private static final class Writer {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer op(int b) {
            out.write(b);
            return this;
        }

        Writer raw(byte[] b) {
            out.write(b, 0, b.length);
            return this;
        }

        Writer le32(int v) {
            return op(v & 0xFF).op(v >> 8 & 0xFF).op(v >> 16 & 0xFF).op(v >>> 24);
        }

        Writer int32(int v) {
            return op('J').le32(v);
        }

        Writer str(String s) { // a Python 2 str: SHORT_BINSTRING
            byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
            return op('U').op(b.length).raw(b);
        }

        Writer global(String module, String name) {
            return op('c').raw((module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII));
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }
}
