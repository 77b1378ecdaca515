/*
 * Does the JIT vectorise the photo loader's resize? The vertical pass of Resampler (PIL's bilinear
 * resize) is, per filter tap, acc[i] += (row[p + i] & 0xFF) * weight over a row of 224 RGB pixels.
 * This times that loop on byte, short and int rows; run it with and without -XX:-UseSuperWord: equal
 * times mean no SIMD (BENCHMARKS.md, "the loader's ceiling").
 *
 *   javac -d /tmp/jitmac bench/jit-mac/MacLoop.java && java -cp /tmp/jitmac MacLoop
 *   java -XX:-UseSuperWord -cp /tmp/jitmac MacLoop
 * (compiled first: in the single-file source launcher the loops compile differently)
 */
public class MacLoop {
    static void bytes(int[] acc, byte[] src, int p, int k, int n) {
        for (int i = 0; i < n; i++) {
            acc[i] += (src[p + i] & 0xFF) * k;
        }
    }

    static void shorts(int[] acc, short[] src, int p, int k, int n) {
        for (int i = 0; i < n; i++) {
            acc[i] += src[p + i] * k;
        }
    }

    static void ints(int[] acc, int[] src, int p, int k, int n) {
        for (int i = 0; i < n; i++) {
            acc[i] += src[p + i] * k;
        }
    }

    public static void main(String[] args) {
        int n = 224 * 3;
        int rows = 300;
        byte[] b = new byte[n * rows];
        short[] s = new short[n * rows];
        int[] v = new int[n * rows];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) i;
            s[i] = (short) (i & 255);
            v[i] = i & 255;
        }
        int[] acc = new int[n];
        double per = 20.0 * rows * n;
        for (int rep = 0; rep < 8; rep++) {
            long t0 = System.nanoTime();
            for (int it = 0; it < 20; it++) {
                for (int r = 0; r < rows; r++) {
                    bytes(acc, b, r * n, 12345, n);
                }
            }
            long t1 = System.nanoTime();
            for (int it = 0; it < 20; it++) {
                for (int r = 0; r < rows; r++) {
                    shorts(acc, s, r * n, 12345, n);
                }
            }
            long t2 = System.nanoTime();
            for (int it = 0; it < 20; it++) {
                for (int r = 0; r < rows; r++) {
                    ints(acc, v, r * n, 12345, n);
                }
            }
            long t3 = System.nanoTime();
            if (rep >= 5) { // after warm-up
                System.out.printf("ns per multiply-add: byte %.3f  short %.3f  int %.3f%n",
                        (t1 - t0) / per, (t2 - t1) / per, (t3 - t2) / per);
            }
        }
        System.out.println("(checksum " + acc[5] + ")");
    }
}
