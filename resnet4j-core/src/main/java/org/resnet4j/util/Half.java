package org.resnet4j.util;

/** IEEE 754 half precision (float16) and bfloat16 to and from float32. */
public final class Half {
    private Half() {}

    /** The float32 value of a float16 (exact). */
    public static float toFloat(short half) {
        int h = half & 0xffff;
        int sign = (h & 0x8000) << 16;
        int exp = (h >>> 10) & 0x1f;
        int mant = h & 0x3ff;
        if (exp == 0) {
            float v = mant * 0x1p-24f; // zero or subnormal
            return sign != 0 ? -v : v;
        }
        if (exp == 31) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13)); // infinity or NaN
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /** The nearest float16 (ties to even, as numpy and PyTorch round); beyond 65504 infinity. */
    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int abs = bits & 0x7fffffff;
        if (abs >= 0x7f800000) {
            return (short) (sign | 0x7c00 | (abs > 0x7f800000 ? 0x200 : 0));
        }
        if (abs >= 0x477ff000) { // 65520 and above round to infinity
            return (short) (sign | 0x7c00);
        }
        if (abs < 0x38800000) { // below 2^-14: a subnormal, in units of 2^-24
            return (short) (sign | (int) Math.rint(Float.intBitsToFloat(abs) * 0x1p24));
        }
        int h = (((abs >>> 23) - 112) << 10) | ((abs & 0x7fffff) >>> 13);
        int rest = abs & 0x1fff;
        if (rest > 0x1000 || (rest == 0x1000 && (h & 1) != 0)) {
            h++; // a carry into the exponent is the right result too
        }
        return (short) (sign | h);
    }

    /** The float32 value of a bfloat16 (its upper 16 bits; exact). */
    public static float bfloat16ToFloat(short b) {
        return Float.intBitsToFloat((b & 0xffff) << 16);
    }
}
