package org.resnet4j.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;
import org.resnet4j.dataset.Normalization;

class ModelInputTest {
    @Test
    void perChannelNormalisationInZeroToOneUnits() {
        Normalization n = new Normalization(Normalization.PER_CHANNEL, new int[] {3, 1, 1}, new float[] {0.5f, 0f, 1f},
                new float[] {0.5f, 1f, 2f});
        float[] out = new float[3];
        new ModelInput(3, 1, 1, n).prepare(new byte[] {(byte) 255, 0, (byte) 51}, 0, 3, 1, 1, out, 0);
        assertThat(out[0]).isCloseTo(1f, within(1e-6f)); // (1 - 0.5) / 0.5
        assertThat(out[1]).isCloseTo(0f, within(1e-6f));
        assertThat(out[2]).isCloseTo(-0.4f, within(1e-6f)); // (0.2 - 1) / 2
    }

    @Test
    void perPixelMeanIsSubtractedInChwOrder() {
        // 1x1x2 image, HWC bytes [0, 255]; mean per pixel [0.25, 0.5]
        Normalization n = new Normalization(Normalization.PER_PIXEL, new int[] {1, 1, 2}, new float[] {0.25f, 0.5f}, null);
        float[] out = new float[2];
        new ModelInput(1, 1, 2, n).prepare(new byte[] {0, (byte) 255}, 0, 1, 1, 2, out, 0);
        assertThat(out).containsExactly(new float[] {-0.25f, 0.5f}, within(1e-6f));
    }

    @Test
    void greyBecomesRgbAndImagesAreResizedBilinearly() {
        // 1x2 grey image [0, 255] stretched to 1x4 RGB: half-pixel centres give 0, 1/4, 3/4, 1
        float[] out = new float[3 * 4];
        new ModelInput(3, 1, 4, null).prepare(new byte[] {0, (byte) 255}, 0, 1, 1, 2, out, 0);
        float[] row = {0f, 0.25f, 0.75f, 1f};
        for (int c = 0; c < 3; c++) {
            for (int x = 0; x < 4; x++) {
                assertThat(out[c * 4 + x]).isCloseTo(row[x], within(1e-6f));
            }
        }
    }

    @Test
    void rgbBecomesGreyByLuma() {
        float[] out = new float[1];
        new ModelInput(1, 1, 1, null).prepare(new byte[] {(byte) 255, 0, 0}, 0, 3, 1, 1, out, 0);
        assertThat(out[0]).isCloseTo(0.299f, within(1e-6f));
    }
}
