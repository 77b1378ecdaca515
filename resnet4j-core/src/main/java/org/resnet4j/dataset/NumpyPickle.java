package org.resnet4j.dataset;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.resnet4j.util.PickleReader;

/**
 * The python pickles CIFAR ships (protocol 2, written by Python 2, and the same data re-pickled by
 * Python 3 with protocols 2 to 4): plain data plus numpy uint8 arrays rebuilt from their raw bytes.
 * The only globals allowed are the handful numpy and {@code _codecs} pickles name.
 */
final class NumpyPickle implements PickleReader.Allowlist {
    /** A numpy array rebuilt by {@code _reconstruct} + {@code __setstate__}. */
    static final class NdArray {
        int[] shape = new int[0];
        String dtype;
        byte[] data;
    }

    private record Dtype(String code) {}

    private static final Set<String> RECONSTRUCT = Set.of("numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct");
    private static final Set<String> NDARRAY = Set.of("numpy.ndarray");
    private static final String DTYPE = "numpy.dtype";
    private static final String ENCODE = "_codecs.encode";
    private static final NumpyPickle INSTANCE = new NumpyPickle();

    private NumpyPickle() {}

    /** The object a CIFAR pickle holds. {@code file} names it in errors. */
    static Object read(byte[] bytes, String file) {
        return PickleReader.read(bytes, file, INSTANCE);
    }

    @Override
    public boolean allows(String global) {
        return RECONSTRUCT.contains(global) || NDARRAY.contains(global) || DTYPE.equals(global) || ENCODE.equals(global);
    }

    @Override
    public Object call(String global, List<Object> args) {
        if (RECONSTRUCT.contains(global)) {
            return new NdArray();
        }
        if (DTYPE.equals(global) && !args.isEmpty()) {
            return new Dtype(args.get(0) instanceof byte[] b ? new String(b, StandardCharsets.ISO_8859_1) : String.valueOf(args.get(0)));
        }
        if (ENCODE.equals(global)) {
            return PickleReader.latin1(args);
        }
        throw new IllegalArgumentException("pickle calls " + global + ", which is not allowed (only numpy arrays are rebuilt)");
    }

    @Override
    public void build(Object target, Object state) {
        if (target instanceof Dtype) {
            return; // byte order and flags: irrelevant for uint8
        }
        if (!(target instanceof NdArray arr) || !(state instanceof List<?> s) || s.size() != 5) {
            throw new IllegalArgumentException("malformed pickle (BUILD on something other than a numpy array)");
        }
        if (!(s.get(1) instanceof List<?> shape) || !(s.get(2) instanceof Dtype dt)) {
            throw new IllegalArgumentException("malformed numpy array state");
        }
        arr.shape = shape.stream().mapToInt(x -> Math.toIntExact((Long) x)).toArray();
        arr.dtype = dt.code();
        Object raw = s.get(4);
        if (raw instanceof String str) {
            arr.data = str.getBytes(StandardCharsets.ISO_8859_1);
        } else if (raw instanceof byte[] bytes) {
            arr.data = bytes;
        } else {
            throw new IllegalArgumentException("numpy array of dtype " + dt.code() + " is not stored as raw bytes");
        }
    }
}
