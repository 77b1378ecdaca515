package org.resnet4j.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.resnet4j.ResNet4jException;

/**
 * A named image recipe: how a data set is read, the training transforms and the test transforms,
 * for an input of {@code channels x height x width}. The preset is stored with a model, so that
 * {@code eval} and {@code predict} prepare images exactly as its training expected.
 *
 * <ul>
 *   <li>{@code cifar}: images decoded into memory at the input size; train: the paper's pad + random
 *       crop + flip (section 4.2); test: the whole image.
 *   <li>{@code imagenet-paper}: the paper's ImageNet recipe (section 3.4); train: shorter side random in
 *       [256, 480], random 224 crop, flip, PCA lighting, per-pixel mean; test: shorter side 256, centre
 *       224 crop, or the 10 crops of Table 3. Sizes scale with the input (here for 224).
 *   <li>{@code imagenet}: torchvision's reference recipe; train: RandomResizedCrop 224, flip, ImageNet
 *       mean and std; test: as {@code imagenet-paper}.
 * </ul>
 *
 * The two ImageNet presets index folder data sets and decode them batch by batch.
 */
public final class Preset {
    public static final String CIFAR = "cifar";
    public static final String IMAGENET_PAPER = "imagenet-paper";
    public static final String IMAGENET = "imagenet";
    public static final List<String> NAMES = List.of(CIFAR, IMAGENET_PAPER, IMAGENET);
    /** torchvision's ImageNet statistics. */
    static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    /** Training images the per-pixel mean or channel statistics of the ImageNet presets are computed on. */
    static final int STATISTICS_IMAGES = 1000;

    /** What the training transforms vary besides the preset's own: --pad (cifar), --flip, --erase. */
    public record Options(int pad, boolean flip, double erase) {}

    private final String name;

    private Preset(String name) {
        this.name = name;
    }

    /** The preset called {@code name}; null is {@code cifar} (models trained before presets existed). */
    public static Preset named(String name) {
        String n = name == null ? CIFAR : name.trim().toLowerCase(Locale.ROOT);
        if (!NAMES.contains(n)) {
            throw new org.resnet4j.UsageException("--preset: unknown preset '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        }
        return new Preset(n);
    }

    public String name() {
        return name;
    }

    /** Whether images are decoded into memory at the input size when loaded (else files are decoded batch by batch). */
    public boolean decodesAtLoad() {
        return name.equals(CIFAR);
    }

    /**
     * How to read a data set: {@code cifar} decodes into memory, resized to {@code size} ({height,
     * width}) when given; the others index folders and keep up to {@code cacheBytes} of their files in memory.
     */
    public LoadOptions loadOptions(LoadOptions base, int[] size, long cacheBytes) {
        return decodesAtLoad() ? base.withSize(size) : base.indexed(cacheBytes);
    }

    /** The shorter side test images are resized to before a centre crop: 256 for 224, in proportion. */
    static int testSize(int height, int width) {
        return (int) Math.round(Math.max(height, width) * 256 / 224.0);
    }

    /** The training transforms. */
    public Pipeline train(int c, int h, int w, Normalization norm, Options o) {
        Normalize normalize = new Normalize(norm, c, h, w);
        HorizontalFlip flip = o.flip() ? new HorizontalFlip(0.5) : null;
        RandomErasing erasing = o.erase() > 0 ? new RandomErasing(o.erase()) : null;
        int s = Math.max(h, w);
        RandomCrop padCrop = new RandomCrop(h, w, o.pad());
        List<Transform<?>> steps = switch (name) {
            // section 4.2: the mean-subtracted image padded by 4 (so padding is the mean), a random crop, a flip
            case CIFAR -> list(new ToChannels(c), Resize.to(h, w), ToFloat.INSTANCE, normalize, padCrop, flip, erasing);
            // section 3.4: scale augmentation, a random crop or its flip, AlexNet's colour augmentation, the mean
            case IMAGENET_PAPER -> list(new ToChannels(c), new ScaleAugmentation(testSize(h, w),
                    (int) Math.round(s * 480 / 224.0)), new RandomCrop(h, w, 0), flip, ToFloat.INSTANCE, new Lighting(),
                    normalize, erasing);
            default -> list(new ToChannels(c), new RandomResizedCrop(h, w), flip, ToFloat.INSTANCE, normalize, erasing);
        };
        FusedCifar fused = name.equals(CIFAR) ? new FusedCifar(c, h, w, normalize, padCrop, flip, erasing) : null;
        return new Pipeline(c, h, w, steps, List.of(), !name.equals(CIFAR), fused);
    }

    /** The test transforms: one view. */
    public Pipeline eval(int c, int h, int w, Normalization norm) {
        Normalize normalize = new Normalize(norm, c, h, w);
        if (name.equals(CIFAR)) {
            return new Pipeline(c, h, w, list(new ToChannels(c), Resize.to(h, w), ToFloat.INSTANCE, normalize), List.of(), false,
                    new FusedCifar(c, h, w, normalize, null, null, null));
        }
        return Pipeline.of(c, h, w, list(new ToChannels(c), Resize.shorterSide(testSize(h, w)), new CenterCrop(h, w),
                ToFloat.INSTANCE, normalize));
    }

    /** The test transforms with the 10 crops of the paper's Table 3 (section 3.4). */
    public Pipeline tenCrop(int c, int h, int w, Normalization norm) {
        if (name.equals(CIFAR)) {
            throw new ResNet4jException("--ten-crop: the cifar preset tests the whole image; ten crops are for models trained "
                    + "with --preset imagenet or imagenet-paper");
        }
        Normalize normalize = new Normalize(norm, c, h, w);
        List<List<Transform<?>>> views = new ArrayList<>();
        for (List<Transform<?>> crop : TenCrop.views(h, w)) {
            List<Transform<?>> v = new ArrayList<>(crop);
            v.add(ToFloat.INSTANCE);
            v.add(normalize);
            views.add(v);
        }
        return new Pipeline(c, h, w, list(new ToChannels(c), Resize.shorterSide(testSize(h, w))), views, false, null);
    }

    /**
     * The normalisation to train with and store with the model: {@code mode}'s statistics of the
     * training images as the test transforms see them (for the ImageNet presets, of a seeded sample of
     * {@value #STATISTICS_IMAGES}), or torchvision's fixed ImageNet mean and std for {@code imagenet}.
     */
    public Normalization normalization(Samples train, String mode, int c, int h, int w, long seed) {
        if (name.equals(IMAGENET)) {
            float[] mean = c == 3 ? IMAGENET_MEAN.clone() : new float[] {(IMAGENET_MEAN[0] + IMAGENET_MEAN[1] + IMAGENET_MEAN[2]) / 3};
            float[] std = c == 3 ? IMAGENET_STD.clone() : new float[] {(IMAGENET_STD[0] + IMAGENET_STD[1] + IMAGENET_STD[2]) / 3};
            return new Normalization(Normalization.PER_CHANNEL, new int[] {c, h, w}, mean, std);
        }
        if (train instanceof ImageSet set && set.height() == h && set.width() == w && set.channels() == c) {
            return Normalization.compute(set, mode);
        }
        if (Normalization.NONE.equals(mode)) {
            return Normalization.none(c, h, w);
        }
        Samples sample = train.size() <= STATISTICS_IMAGES ? train : Splits.stratifiedSubset(train, STATISTICS_IMAGES, seed);
        return SampledStatistics.compute(sample, eval(c, h, w, Normalization.none(c, h, w)), mode);
    }

    private static List<Transform<?>> list(Transform<?>... steps) {
        List<Transform<?>> l = new ArrayList<>();
        for (Transform<?> t : steps) {
            if (t != null) {
                l.add(t);
            }
        }
        return l;
    }

    @Override
    public String toString() {
        return name;
    }
}
