package org.resnet4j.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.resnet4j.UsageException;

/** Output rows keep the input's columns but the image bytes; input that is not binaryFile's is refused in one line. */
class RowLayoutTest {
    static final StructType BINARY_FILE = new StructType().add("path", DataTypes.StringType).add("modificationTime",
            DataTypes.TimestampType).add("length", DataTypes.LongType).add("content", DataTypes.BinaryType);

    @Test
    void outputDropsTheBytesAndAddsTheTasksColumnsThenError() {
        RowLayout layout = RowLayout.of(BINARY_FILE, new Classification(3));
        assertThat(layout.output().fieldNames()).containsExactly("path", "modificationTime", "length", "label", "probability",
                "top_k", "error");
        Row in = RowFactory.create("file:/a.jpg", null, 3L, new byte[] {1, 2, 3});
        assertThat(layout.content(in)).containsExactly(1, 2, 3);
        Row failed = layout.output(in, null, "file:/a.jpg: broken");
        assertThat(failed.size()).isEqualTo(7);
        assertThat(failed.getString(0)).isEqualTo("file:/a.jpg");
        assertThat(failed.get(3)).isNull();
        assertThat(failed.getString(6)).isEqualTo("file:/a.jpg: broken");
        assertThat(RowLayout.of(BINARY_FILE, new Embedding(true)).output().fieldNames()).containsExactly("path",
                "modificationTime", "length", "embedding", "error");
    }

    @Test
    void rowsWithoutContentAreReadFromTheirPathsAndKeepTheirOtherColumns() {
        StructType paths = new StructType().add("path", DataTypes.StringType).add("modificationTime", DataTypes.TimestampType)
                .add("length", DataTypes.LongType); // binaryFile's columns but the bytes
        RowLayout layout = RowLayout.of(paths.add("tag", DataTypes.StringType), new Classification(1));
        assertThat(layout.hasContent()).isFalse();
        assertThat(RowLayout.of(BINARY_FILE, new Classification(1)).hasContent()).isTrue();
        assertThat(layout.output().fieldNames()).containsExactly("path", "modificationTime", "length", "tag", "label",
                "probability", "top_k", "error");
        Row out = layout.output(RowFactory.create("file:/a.jpg", null, 3L, "x"), new Object[] {"cat", 0.5, null}, null);
        assertThat(out.getString(3)).isEqualTo("x");
        assertThat(out.getString(4)).isEqualTo("cat");
    }

    @Test
    void inputWithoutPathOrWithOtherBytesOrWithTheNewColumnsIsRefused() {
        StructType noPath = new StructType().add("file", DataTypes.StringType).add("content", DataTypes.BinaryType);
        assertThatThrownBy(() -> RowLayout.of(noPath, new Classification(1))).isInstanceOf(UsageException.class)
                .hasMessageStartingWith("input: needs a string column 'path'");
        StructType textContent = new StructType().add("path", DataTypes.StringType).add("content", DataTypes.StringType);
        assertThatThrownBy(() -> RowLayout.of(textContent, new Classification(1))).isInstanceOf(UsageException.class)
                .hasMessageStartingWith("input: needs a binary column 'content'");
        StructType labelled = BINARY_FILE.add("label", DataTypes.StringType);
        assertThatThrownBy(() -> RowLayout.of(labelled, new Classification(1))).isInstanceOf(UsageException.class)
                .hasMessage("input: already has a column 'label'; drop or rename it first");
    }

    @Test
    void readImagesTakesEveryImageExtensionInBothCases() {
        assertThat(ResNetSpark.imageGlob()).isEqualTo("*.{bmp,BMP,gif,GIF,jpeg,JPEG,jpg,JPG,png,PNG}");
    }
}
