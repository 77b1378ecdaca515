package org.resnet4j.spark;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.resnet4j.UsageException;

/**
 * Where an input row holds the image's name ({@code path}) and bytes ({@code content}), as Spark's
 * {@code binaryFile} source writes them, and how an output row is laid out: the input's columns but
 * the bytes (no reason to carry them further, and they would double the rows' size), the task's
 * columns, then {@code error}. Rows without a {@code content} column are read from their path by the
 * executor ({@link ImageBytes}).
 */
final class RowLayout implements Serializable {
    private static final long serialVersionUID = 1L;

    static final String PATH = "path";
    static final String CONTENT = "content";
    static final String ERROR = "error";

    private final int pathIndex;
    private final int contentIndex;
    private final int added;
    private final StructType output;

    private RowLayout(int pathIndex, int contentIndex, int added, StructType output) {
        this.pathIndex = pathIndex;
        this.contentIndex = contentIndex;
        this.added = added;
        this.output = output;
    }

    /**
     * The layout for rows of {@code input} and {@code task}'s columns; input without a path, or with a
     * {@code content} column that is not binary, is refused.
     */
    static RowLayout of(StructType input, ImageTask task) {
        List<String> names = Arrays.asList(input.fieldNames());
        int path = index(input, PATH, StringType.class);
        int content = names.contains(CONTENT) ? index(input, CONTENT, BinaryType.class) : -1;
        List<StructField> fields = new ArrayList<>();
        for (StructField f : input.fields()) {
            if (!f.name().equals(CONTENT)) {
                fields.add(f);
            }
        }
        List<StructField> added = new ArrayList<>(task.columns());
        added.add(DataTypes.createStructField(ERROR, DataTypes.StringType, true));
        for (StructField f : added) {
            if (names.contains(f.name())) {
                throw new UsageException("input: already has a column '" + f.name() + "'; drop or rename it first");
            }
        }
        fields.addAll(added);
        return new RowLayout(path, content, task.columns().size(), DataTypes.createStructType(fields));
    }

    private static int index(StructType input, String name, Class<?> type) {
        List<String> names = Arrays.asList(input.fieldNames());
        int i = names.indexOf(name);
        if (i < 0 || !type.isInstance(input.fields()[i].dataType())) {
            throw new UsageException("input: needs a " + (type == StringType.class ? "string" : "binary") + " column '" + name
                    + "' (the columns of ResNetSpark.readImages, Spark's binaryFile source); it has " + input.simpleString());
        }
        return i;
    }

    StructType output() {
        return output;
    }

    /** Whether {@code row} names its file (its path is not null). */
    boolean hasPath(Row row) {
        return !row.isNullAt(pathIndex);
    }

    String path(Row row) {
        return row.isNullAt(pathIndex) ? "(no path)" : row.getString(pathIndex);
    }

    /** Whether the rows carry the image bytes; if not, they are read from the rows' paths. */
    boolean hasContent() {
        return contentIndex >= 0;
    }

    /** The image bytes, or null where the source could not give them; only where {@link #hasContent}. */
    byte[] content(Row row) {
        return row.isNullAt(contentIndex) ? null : (byte[]) row.get(contentIndex);
    }

    /** The output row: {@code row}'s columns but the bytes, then {@code values} (nulls where null), then {@code error}. */
    Row output(Row row, Object[] values, String error) {
        Object[] out = new Object[output.size()];
        int j = 0;
        for (int i = 0; i < row.size(); i++) {
            if (i != contentIndex) {
                out[j++] = row.get(i);
            }
        }
        for (int i = 0; i < added; i++) {
            out[j++] = values == null ? null : values[i];
        }
        out[j] = error;
        return RowFactory.create(out);
    }
}
