package org.resnet4j.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cosine ranking and the k-nearest-neighbour vote of {@link FeatureIndex}. */
class FeatureIndexTest {
    private static FeatureIndex index(List<String> files, float[][] rows) {
        float[] all = new float[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, all, i * rows[0].length, rows[0].length);
        }
        return new FeatureIndex(files.stream().map(Path::of).toList(), all, rows[0].length, new JsonObject());
    }

    @Test
    void nearestRanksByCosineNotByLength() {
        FeatureIndex idx = index(List.of("a/1.png", "a/2.png", "b/3.png"),
                new float[][] {{10, 0}, {1, 1}, {0, 0.1f}});
        List<FeatureIndex.Match> m = idx.nearest(new float[] {0.2f, 0.1f}, 3);
        assertThat(m).extracting(FeatureIndex.Match::row).containsExactly(1, 0, 2); // a dot product would put row 0 first
        assertThat(m.get(1).similarity()).isCloseTo(2 / Math.sqrt(5), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(idx.nearest(new float[] {0, 3}, 1)).extracting(FeatureIndex.Match::file).containsExactly(Path.of("b/3.png"));
    }

    @Test
    void knnVotesWithTheFolderAsTheClass() {
        FeatureIndex idx = index(List.of("cat/1.jpg", "cat/2.jpg", "dog/3.jpg", "dog/4.jpg", "dog/5.jpg"),
                new float[][] {{1, 0}, {0.9f, 0.1f}, {0, 1}, {0.05f, 1}, {0.6f, 0.4f}});
        FeatureIndex queries = index(List.of("cat/q1.jpg", "dog/q2.jpg", "cat/q3.jpg"),
                new float[][] {{1, 0.05f}, {0.05f, 1}, {0.5f, 0.45f}});
        FeatureIndex.KnnResult one = idx.knn(queries, 1);
        assertThat(one.count()).isEqualTo(3);
        assertThat(one.correct()).isEqualTo(2); // q3's nearest is dog/5
        assertThat(one.classes()).containsExactly("cat", "dog");
        assertThat(idx.knn(queries, 3).correct()).isEqualTo(3); // q3: dog/5, cat/2, cat/1 -> cat
        assertThat(idx.knn(queries, 5).correct()).isEqualTo(1); // every image votes: dog 3 to cat 2, for every query
    }
}
