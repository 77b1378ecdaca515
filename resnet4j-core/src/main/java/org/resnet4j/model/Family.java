package org.resnet4j.model;

/** The families of the zoo, with the defaults the papers use for them. */
public enum Family {
    /** CIFAR-10 ResNets of section 4.2: 6n+2 layers, 16/32/64 filters, option A shortcuts. */
    CIFAR("cifar", 3, 32, 10),
    /** The same nets without shortcuts (section 4.2, Figure 6). */
    PLAIN("plain", 3, 32, 10),
    /** ImageNet ResNets of section 4.1, Table 1: 7x7 stem, 64..512 filters, option B shortcuts. */
    IMAGENET("imagenet", 3, 224, 1000),
    /** Pre-activation ResNets (He et al., "Identity Mappings in Deep Residual Networks", 2016). */
    PREACT("preact", 3, 32, 10);

    private final String label;
    private final int defaultChannels;
    private final int defaultSize;
    private final int defaultClasses;

    Family(String label, int defaultChannels, int defaultSize, int defaultClasses) {
        this.label = label;
        this.defaultChannels = defaultChannels;
        this.defaultSize = defaultSize;
        this.defaultClasses = defaultClasses;
    }

    public String label() {
        return label;
    }

    public int defaultChannels() {
        return defaultChannels;
    }

    public int defaultSize() {
        return defaultSize;
    }

    public int defaultClasses() {
        return defaultClasses;
    }
}
