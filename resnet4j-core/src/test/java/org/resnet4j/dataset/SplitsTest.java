package org.resnet4j.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.resnet4j.ResNet4jException;

class SplitsTest {
    /** Labels with unequal classes: 600 of class 0, 300 of class 1, 100 of class 2. */
    private static ImageSet unequal() {
        ImageSet base = TestImages.random(1000, 3, 1, 2, 2, 1);
        int[] labels = base.labels();
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i < 600 ? 0 : i < 900 ? 1 : 2;
        }
        return base;
    }

    @Test
    void holdOutIsStratifiedAndDisjoint() {
        ImageSet set = unequal();
        Split<ImageSet> s = Splits.holdOut(set, 100, 7);
        assertThat(s.val().size()).isEqualTo(100);
        assertThat(s.train().size()).isEqualTo(900);
        assertThat(Arrays.stream(s.val().labels()).filter(l -> l == 0).count()).isEqualTo(60);
        assertThat(Arrays.stream(s.val().labels()).filter(l -> l == 1).count()).isEqualTo(30);
        assertThat(Arrays.stream(s.val().labels()).filter(l -> l == 2).count()).isEqualTo(10);
        Set<String> images = new HashSet<>();
        for (ImageSet part : new ImageSet[] {s.train(), s.val()}) {
            for (int i = 0; i < part.size(); i++) {
                images.add(Arrays.toString(Arrays.copyOfRange(part.pixels(), i * 4, i * 4 + 4)) + part.label(i));
            }
        }
        assertThat(images).hasSize(1000);
    }

    @Test
    void sameSeedSameSplitOtherSeedOtherSplit() {
        ImageSet set = unequal();
        assertThat(Splits.holdOut(set, 50, 3).val().pixels()).isEqualTo(Splits.holdOut(set, 50, 3).val().pixels());
        assertThat(Splits.holdOut(set, 50, 3).val().pixels()).isNotEqualTo(Splits.holdOut(set, 50, 4).val().pixels());
    }

    @Test
    void zeroHoldsNothingOutAndTooManyIsAnError() {
        ImageSet set = unequal();
        assertThat(Splits.holdOut(set, 0, 1).val()).isNull();
        assertThat(Splits.holdOut(set, 0, 1).train()).isSameAs(set);
        assertThatThrownBy(() -> Splits.holdOut(set, 1000, 1)).isInstanceOf(ResNet4jException.class).hasMessageContaining("--val-split");
    }

    @Test
    void stratifiedSubsetKeepsProportionsWithLargestRemainder() {
        ImageSet sub = Splits.stratifiedSubset(unequal(), 7, 9);
        assertThat(sub.size()).isEqualTo(7);
        // exact shares 4.2, 2.1, 0.7: floors 4, 2, 0, the one left over goes to the largest remainder
        assertThat(Arrays.stream(sub.labels()).filter(l -> l == 2).count()).isEqualTo(1);
        assertThat(Arrays.stream(sub.labels()).filter(l -> l == 0).count()).isEqualTo(4);
    }

    @Test
    void normalizationStatisticsComeFromTheGivenSet() {
        byte[] px = {0, (byte) 255, 10, 20, (byte) 255, 0, 30, 40}; // 2 images 1x2x2... as 2 channels 1x2
        ImageSet set = new ImageSet("train", java.util.List.of("a"), 2, 1, 2, px, new int[] {0, 0});
        Normalization pp = Normalization.compute(set, Normalization.PER_PIXEL);
        assertThat(pp.shape()).containsExactly(2, 1, 2);
        assertThat(pp.std()).isNull();
        // CHW: channel 0 at x=0: (0+255)/2, x=1: (10+30)/2; channel 1 at x=0: (255+0)/2, x=1: (20+40)/2
        assertThat(pp.mean()).containsExactly(127.5f / 255, 20f / 255, 127.5f / 255, 30f / 255);
        Normalization pc = Normalization.compute(set, Normalization.PER_CHANNEL);
        assertThat(pc.mean()[0]).isCloseTo((0 + 10 + 255 + 30) / 4f / 255, org.assertj.core.data.Offset.offset(1e-6f));
        assertThat(pc.std()).hasSize(2);
    }
}
