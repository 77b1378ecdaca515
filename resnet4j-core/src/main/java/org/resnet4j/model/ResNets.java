package org.resnet4j.model;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;

/**
 * The model zoo: every network of the paper and of its pre-activation successor, by name.
 *
 * <ul>
 *   <li>{@code resnet20, 32, 44, 56, 110, 1202}, and {@code resnetD} or {@code cifar-resnetD} for
 *       any depth 6n+2: CIFAR nets (section 4.2). {@code resnet50} and {@code resnet152} are the
 *       ImageNet nets; their CIFAR namesakes are {@code cifar-resnet50} and {@code cifar-resnet152}.
 *   <li>{@code plainD} for depth 6n+2: the same nets without shortcuts.
 *   <li>{@code resnet18, 34, 50, 101, 152}: ImageNet nets (section 4.1, Table 1).
 *   <li>{@code preact-resnetD}: basic blocks up to depth 110 (6n+2), bottlenecks above (9n+2):
 *       {@code preact-resnet110, 164, 1001}.
 * </ul>
 */
public final class ResNets {
    private static final List<Integer> CIFAR_WIDTHS = List.of(16, 32, 64);
    private static final List<Integer> IMAGENET_WIDTHS = List.of(64, 128, 256, 512);
    private static final Pattern CIFAR = Pattern.compile("(?:cifar-)?resnet(\\d+)");
    private static final Pattern PLAIN = Pattern.compile("plain(\\d+)");
    private static final Pattern PREACT = Pattern.compile("preact-resnet(\\d+)");

    private ResNets() {}

    /** The networks the zoo lists; any 6n+2 CIFAR or plain depth works too. */
    public static List<String> names() {
        return List.of("resnet20", "resnet32", "resnet44", "resnet56", "resnet110", "resnet1202",
                "plain20", "plain32", "plain44", "plain56", "plain110",
                "resnet18", "resnet34", "resnet50", "resnet101", "resnet152",
                "preact-resnet110", "preact-resnet164", "preact-resnet1001");
    }

    /** Builds the network a spec describes; initialise it with {@link Initialization}. */
    public static ResNet create(ResNetSpec spec) {
        return new ResNet(spec);
    }

    /** The spec of a zoo network at its family's default input and class count. */
    public static ResNetSpec spec(String name) {
        String n = name.trim().toLowerCase(java.util.Locale.ROOT);
        switch (n) {
            case "resnet18": return imagenet(n, false, 2, 2, 2, 2);
            case "resnet34": return imagenet(n, false, 3, 4, 6, 3);
            case "resnet50": return imagenet(n, true, 3, 4, 6, 3);
            case "resnet101": return imagenet(n, true, 3, 4, 23, 3);
            case "resnet152": return imagenet(n, true, 3, 8, 36, 3);
            default: break;
        }
        Matcher m;
        if ((m = CIFAR.matcher(n)).matches()) {
            return cifar(n, Family.CIFAR, Shortcut.A, blocksFor(name, Integer.parseInt(m.group(1)), 6));
        }
        if ((m = PLAIN.matcher(n)).matches()) {
            return cifar(n, Family.PLAIN, Shortcut.NONE, blocksFor(name, Integer.parseInt(m.group(1)), 6));
        }
        if ((m = PREACT.matcher(n)).matches()) {
            int depth = Integer.parseInt(m.group(1));
            boolean bottleneck = depth > 110;
            int n3 = blocksFor(name, depth, bottleneck ? 9 : 6);
            return new ResNetSpec(n, Family.PREACT, bottleneck, List.of(n3, n3, n3), CIFAR_WIDTHS, Shortcut.B,
                    false, false, 3, 32, 32, 10, false);
        }
        throw new UsageException("--model: unknown model '" + name + "' (known: " + String.join(", ", names())
                + ", or resnetD / plainD for any depth 6n+2)");
    }

    /**
     * A zoo network adapted as a command line or a training configuration describes it; null or
     * false keeps the zoo's choice.
     *
     * @param input "CxHxW" (or "HxW" for 3 channels)
     */
    public static ResNetSpec spec(String name, String shortcut, boolean smallStem, boolean strideIn1x1,
            boolean zeroInitResidual, String input, Integer classes) {
        ResNetSpec spec = spec(name);
        if (shortcut != null) {
            try {
                spec = spec.withShortcut(Shortcut.parse(shortcut));
            } catch (IllegalArgumentException e) {
                throw new UsageException("--shortcut: " + e.getMessage());
            }
        }
        spec = smallStem ? spec.withSmallStem(true) : spec;
        spec = strideIn1x1 ? spec.withStrideIn1x1(true) : spec;
        spec = zeroInitResidual ? spec.withZeroInitResidual(true) : spec;
        if (input != null) {
            int[] s = parseInput(input);
            spec = spec.withInput(s[0], s[1], s[2]);
        }
        if (classes != null) {
            if (classes < 1) {
                throw new UsageException("--classes: must be at least 1, not " + classes);
            }
            spec = spec.withClasses(classes);
        }
        return spec;
    }

    /** Parses "3x32x32" (or "32x32" for 3 channels) into {C, H, W}. */
    public static int[] parseInput(String value) {
        String[] parts = value.trim().toLowerCase(java.util.Locale.ROOT).split("[x,]");
        try {
            int[] v = parts.length == 2 ? new int[] {3, Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())}
                    : parts.length == 3 ? new int[] {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()),
                        Integer.parseInt(parts[2].trim())} : null;
            if (v != null && v[0] > 0 && v[1] > 0 && v[2] > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new UsageException("--input: expected CxHxW such as 3x32x32, not '" + value + "'");
    }

    private static ResNetSpec imagenet(String name, boolean bottleneck, Integer... blocks) {
        return new ResNetSpec(name, Family.IMAGENET, bottleneck, List.of(blocks), IMAGENET_WIDTHS, Shortcut.B,
                false, false, 3, 224, 224, 1000, false);
    }

    private static ResNetSpec cifar(String name, Family family, Shortcut shortcut, int n) {
        return new ResNetSpec(name, family, false, List.of(n, n, n), CIFAR_WIDTHS, shortcut,
                false, false, 3, 32, 32, 10, false);
    }

    /** Blocks per stage for a three-stage net of the given depth: (depth - 2) / layersPerStageBlock. */
    private static int blocksFor(String name, int depth, int layersPerBlockTimesStages) {
        int n = (depth - 2) / layersPerBlockTimesStages;
        if (depth < 2 + layersPerBlockTimesStages || (depth - 2) % layersPerBlockTimesStages != 0) {
            throw new UsageException("--model: " + name + " has depth " + depth + ", but this family needs "
                    + layersPerBlockTimesStages + "n+2 (e.g. " + (layersPerBlockTimesStages * 3 + 2) + ")");
        }
        return n;
    }

}
