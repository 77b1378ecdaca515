package org.resnet4j.dataset;

import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.resnet4j.ResNet4jException;

/**
 * Normalisation statistics of images as a (test) pipeline without normalisation gives them: the
 * per-pixel mean image at the network's input size (the paper's, section 3.4) or the per-channel
 * mean and standard deviation, for data sets that are not held in memory at that size.
 */
final class SampledStatistics {
    private SampledStatistics() {}

    static Normalization compute(Samples images, Pipeline unnormalised, String mode, int threads) {
        int c = unnormalised.channels();
        int h = unnormalised.height();
        int w = unnormalised.width();
        int n = unnormalised.viewFloats();
        int parts = Math.max(1, threads);
        double[][] sums = new double[parts][n];
        double[][] squares = new double[parts][c];
        int[] counted = new int[parts];
        IntStream.range(0, parts).parallel().forEach(part -> {
            float[] x = new float[n];
            for (int i = part; i < images.size(); i += parts) {
                try {
                    unnormalised.apply(images, i, new SplittableRandom(i), x, 0);
                } catch (ImageDecodeException e) {
                    if (images instanceof ImageFiles f && f.skipBad()) {
                        continue;
                    }
                    throw new ResNet4jException(e.getMessage() + "; use --skip-bad to skip such images");
                }
                for (int k = 0; k < n; k++) {
                    sums[part][k] += x[k];
                    squares[part][k % c] += (double) x[k] * x[k];
                }
                counted[part]++;
            }
        });
        double[] sum = new double[n];
        double[] sq = new double[c];
        long count = 0;
        for (int p = 0; p < parts; p++) {
            for (int k = 0; k < n; k++) {
                sum[k] += sums[p][k];
            }
            for (int k = 0; k < c; k++) {
                sq[k] += squares[p][k];
            }
            count += counted[p];
        }
        if (count == 0) {
            throw new ResNet4jException(images.name() + ": no decodable images to compute the normalisation from");
        }
        int[] shape = {c, h, w};
        if (Normalization.PER_PIXEL.equals(mode)) {
            float[] mean = new float[n];
            for (int k = 0; k < n; k++) { // HWC sums -> CHW mean
                mean[(k % c) * h * w + k / c] = (float) (sum[k] / count);
            }
            return new Normalization(Normalization.PER_PIXEL, shape, mean, null);
        }
        float[] mean = new float[c];
        float[] std = new float[c];
        double values = (double) count * h * w;
        double[] channelSum = new double[c];
        for (int k = 0; k < n; k++) {
            channelSum[k % c] += sum[k];
        }
        for (int ch = 0; ch < c; ch++) {
            double m = channelSum[ch] / values;
            mean[ch] = (float) m;
            std[ch] = (float) Math.sqrt(Math.max(0, sq[ch] / values - m * m));
            if (std[ch] == 0) {
                std[ch] = 1; // a constant channel: subtract the mean only
            }
        }
        return new Normalization(Normalization.PER_CHANNEL, shape, mean, std);
    }

    static Normalization compute(Samples images, Pipeline unnormalised, String mode) {
        return compute(images, unnormalised, mode, Runtime.getRuntime().availableProcessors());
    }
}
