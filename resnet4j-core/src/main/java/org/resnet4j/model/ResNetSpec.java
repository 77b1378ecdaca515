package org.resnet4j.model;

import java.util.List;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;

/**
 * Everything that defines a ResNet's architecture: the zoo name it came from, its family, blocks
 * per stage and their widths, shortcut option, stem, input shape and class count.
 *
 * <p>Get one from {@link ResNets#spec(String)} and adjust it with the {@code with*} methods:
 * <pre>{@code
 * ResNetSpec spec = ResNets.spec("resnet18").withSmallStem(true).withInput(3, 32, 32).withClasses(10);
 * }</pre>
 *
 * @param name the zoo name, e.g. {@code resnet56}
 * @param family the family, which fixes the stem and the default shortcut
 * @param bottleneck bottleneck blocks (1x1, 3x3, 1x1 x4) instead of basic blocks (3x3, 3x3)
 * @param blocks residual blocks per stage
 * @param widths base filters per stage (a bottleneck stage outputs 4x as many)
 * @param shortcut the shortcut option where the shape changes (A, B, C; NONE for plain nets)
 * @param strideIn1x1 bottleneck downsampling in the first 1x1 conv ("v1", Caffe) instead of the 3x3
 *     ("v1.5", torchvision)
 * @param smallStem ImageNet family only: a 3x3 stride-1 stem and no max-pool, for 32x32 inputs
 * @param inputChannels input channels (1 for Fashion-MNIST)
 * @param inputHeight input height in pixels
 * @param inputWidth input width in pixels
 * @param classes number of classes
 * @param zeroInitResidual start each residual branch's last BN at gamma 0 (Goyal et al., 2017)
 */
public record ResNetSpec(
        String name,
        Family family,
        boolean bottleneck,
        List<Integer> blocks,
        List<Integer> widths,
        Shortcut shortcut,
        boolean strideIn1x1,
        boolean smallStem,
        int inputChannels,
        int inputHeight,
        int inputWidth,
        int classes,
        boolean zeroInitResidual) {

    public ResNetSpec {
        blocks = List.copyOf(blocks);
        widths = List.copyOf(widths);
        if (blocks.size() != widths.size() || blocks.isEmpty()) {
            throw new ResNet4jException(name + ": blocks and widths need one entry per stage");
        }
        if (blocks.stream().anyMatch(b -> b < 1)) {
            throw new ResNet4jException(name + ": every stage needs at least one block");
        }
        if ((family == Family.PLAIN) != (shortcut == Shortcut.NONE)) {
            throw new ResNet4jException(family == Family.PLAIN
                    ? "--shortcut: plain nets have no shortcuts" : name + ": residual nets need a shortcut option");
        }
        if (smallStem && family != Family.IMAGENET) {
            throw new UsageException("--small-stem: only the ImageNet family has a 7x7 stem to replace");
        }
        if (strideIn1x1 && !bottleneck) {
            throw new UsageException("--stride-in-1x1: only bottleneck nets (resnet50, 101, 152) have a 1x1 to stride in");
        }
        if (zeroInitResidual && family == Family.PREACT) {
            throw new UsageException("--zero-init-residual: pre-activation blocks end in a convolution, not a BN");
        }
        if (zeroInitResidual && family == Family.PLAIN) {
            throw new UsageException("--zero-init-residual: plain nets have no residual branch");
        }
        if (inputChannels < 1 || classes < 1) {
            throw new UsageException("--input/--classes: channels and classes must be positive");
        }
        int min = minInputSize(family, smallStem, blocks.size());
        if (inputHeight < min || inputWidth < min) {
            throw new UsageException("--input: " + name + " needs images of at least " + min + "x" + min
                    + ", not " + inputHeight + "x" + inputWidth);
        }
    }

    /** Number of weighted layers, as the paper counts them: convolutions on the main path plus the classifier. */
    public int depth() {
        int perBlock = bottleneck ? 3 : 2;
        return perBlock * blocks.stream().mapToInt(Integer::intValue).sum() + 2;
    }

    /** Channels out of a block: the width, times 4 for bottlenecks. */
    public int expansion() {
        return bottleneck ? Bottleneck.EXPANSION : BasicBlock.EXPANSION;
    }

    public boolean residual() {
        return family != Family.PLAIN;
    }

    public boolean preActivation() {
        return family == Family.PREACT;
    }

    /** The 7x7 stride-2 conv and 3x3 max-pool of Table 1, rather than a 3x3 stride-1 conv. */
    public boolean imagenetStem() {
        return family == Family.IMAGENET && !smallStem;
    }

    public int[] inputShape() {
        return new int[] {inputChannels, inputHeight, inputWidth};
    }

    public ResNetSpec withInput(int channels, int height, int width) {
        return new ResNetSpec(name, family, bottleneck, blocks, widths, shortcut, strideIn1x1, smallStem,
                channels, height, width, classes, zeroInitResidual);
    }

    public ResNetSpec withClasses(int k) {
        return new ResNetSpec(name, family, bottleneck, blocks, widths, shortcut, strideIn1x1, smallStem,
                inputChannels, inputHeight, inputWidth, k, zeroInitResidual);
    }

    public ResNetSpec withShortcut(Shortcut s) {
        return new ResNetSpec(name, family, bottleneck, blocks, widths, s, strideIn1x1, smallStem,
                inputChannels, inputHeight, inputWidth, classes, zeroInitResidual);
    }

    public ResNetSpec withStrideIn1x1(boolean v1) {
        return new ResNetSpec(name, family, bottleneck, blocks, widths, shortcut, v1, smallStem,
                inputChannels, inputHeight, inputWidth, classes, zeroInitResidual);
    }

    /** The small-image stem; also sets a 32x32 input if the input is still ImageNet's 224x224. */
    public ResNetSpec withSmallStem(boolean small) {
        int h = small && inputHeight == 224 ? 32 : inputHeight;
        int w = small && inputWidth == 224 ? 32 : inputWidth;
        return new ResNetSpec(name, family, bottleneck, blocks, widths, shortcut, strideIn1x1, small,
                inputChannels, h, w, classes, zeroInitResidual);
    }

    public ResNetSpec withZeroInitResidual(boolean zero) {
        return new ResNetSpec(name, family, bottleneck, blocks, widths, shortcut, strideIn1x1, smallStem,
                inputChannels, inputHeight, inputWidth, classes, zero);
    }

    /** A one-line description: "resnet50 (imagenet, bottleneck v1.5, shortcut B, 3x224x224, 1000 classes)". */
    public String describe() {
        StringBuilder s = new StringBuilder(name).append(" (").append(family.label()).append(", ")
                .append(bottleneck ? "bottleneck" : "basic");
        if (bottleneck && family == Family.IMAGENET) {
            s.append(strideIn1x1 ? " v1" : " v1.5");
        }
        if (smallStem) {
            s.append(", small stem");
        }
        s.append(shortcut == Shortcut.NONE ? ", no shortcuts" : ", shortcut " + shortcut)
                .append(", ").append(inputChannels).append('x').append(inputHeight).append('x').append(inputWidth)
                .append(", ").append(classes).append(" classes)");
        return s.toString();
    }

    private static int minInputSize(Family family, boolean smallStem, int stages) {
        int stemStride = family == Family.IMAGENET && !smallStem ? 4 : 1;
        return stemStride << (stages - 1);
    }
}
