package org.resnet4j.dataset;

import java.util.Arrays;
import org.resnet4j.ResNet4jException;

/**
 * A normalisation given by name rather than computed from data, as weights trained elsewhere need:
 * {@code imagenet} (torchvision's per-channel mean 0.485, 0.456, 0.406 and std 0.229, 0.224,
 * 0.225), {@code per-channel:M1,M2,M3:S1,S2,S3} (0..1 units, one value per channel) or
 * {@code none}.
 */
public final class NormalizationSpec {
    public static final String IMAGENET = "imagenet";
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    public static final String SYNTAX = "imagenet, per-channel:M1,M2,M3:S1,S2,S3 or none";

    private NormalizationSpec() {}

    /** The normalisation {@code spec} names for images of {@code c x h x w}; {@code flag} names the option in errors. */
    public static Normalization parse(String spec, int c, int h, int w, String flag) {
        int[] shape = {c, h, w};
        if (Normalization.NONE.equals(spec)) {
            return Normalization.none(c, h, w);
        }
        if (IMAGENET.equals(spec)) {
            if (c != 3) {
                throw new ResNet4jException(flag + " imagenet: needs 3-channel inputs, the model takes " + c);
            }
            return new Normalization(Normalization.PER_CHANNEL, shape, IMAGENET_MEAN.clone(), IMAGENET_STD.clone());
        }
        String[] parts = spec.split(":", -1);
        if (parts.length != 3 || !Normalization.PER_CHANNEL.equals(parts[0])) {
            throw new ResNet4jException(flag + ": expected " + SYNTAX + ", not '" + spec + "'");
        }
        float[] mean = values(parts[1], c, spec, flag, "mean");
        float[] std = values(parts[2], c, spec, flag, "std");
        for (float s : std) {
            if (!(s > 0)) {
                throw new ResNet4jException(flag + " " + spec + ": every std must be positive");
            }
        }
        return new Normalization(Normalization.PER_CHANNEL, shape, mean, std);
    }

    /** The spec that gives {@code n} back, for per-channel and none; null for per-pixel (a whole mean image). */
    public static String format(Normalization n) {
        if (Normalization.NONE.equals(n.mode())) {
            return Normalization.NONE;
        }
        if (!Normalization.PER_CHANNEL.equals(n.mode())) {
            return null;
        }
        if (Arrays.equals(n.mean(), IMAGENET_MEAN) && Arrays.equals(n.std(), IMAGENET_STD)) {
            return IMAGENET;
        }
        return Normalization.PER_CHANNEL + ":" + join(n.mean()) + ":" + join(n.std());
    }

    private static String join(float[] v) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            s.append(i == 0 ? "" : ",").append(v[i]);
        }
        return s.toString();
    }

    private static float[] values(String list, int c, String spec, String flag, String what) {
        String[] items = list.split(",", -1);
        if (items.length != c) {
            throw new ResNet4jException(flag + " " + spec + ": " + items.length + " " + what + " value(s) for a " + c
                    + "-channel input");
        }
        float[] out = new float[c];
        for (int i = 0; i < c; i++) {
            try {
                out[i] = Float.parseFloat(items[i].strip());
            } catch (NumberFormatException e) {
                throw new ResNet4jException(flag + " " + spec + ": '" + items[i] + "' is not a number");
            }
            if (!Float.isFinite(out[i])) {
                throw new ResNet4jException(flag + " " + spec + ": '" + items[i] + "' is not a finite number");
            }
        }
        return out;
    }
}
