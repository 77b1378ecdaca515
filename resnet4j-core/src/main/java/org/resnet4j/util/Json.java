package org.resnet4j.util;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.reflect.TypeToken;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.resnet4j.ResNet4jException;

/** The project's one JSON configuration: pretty, stable field order, no HTML escaping. */
public final class Json {
    public static final Gson GSON =
            new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeSpecialFloatingPointValues().create();

    private static final Pattern CLASS_NAME = Pattern.compile("(?:[a-z_$][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error):? ?");
    private static final Pattern LINE_COLUMN = Pattern.compile("at line (\\d+) column (\\d+)");
    /** Where Gson's messages start to say where: "... at line 1 column 5 path $.a", "...; at path $.a". */
    private static final Pattern AT = Pattern.compile("[;,]?\\s*(?:at line \\d|at path |path \\$)");

    private Json() {}

    public static String toJson(Object value) {
        return GSON.toJson(value);
    }

    public static void write(Path file, Object value) {
        AtomicFiles.writeString(file, GSON.toJson(value) + "\n");
    }

    /**
     * Reads {@code file} as {@code type}. Every problem is one line naming the file: where the JSON
     * breaks (line and column), or which value does not fit; never a Java class name.
     */
    public static <T> T read(Path file, Class<T> type) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new ResNet4jException("cannot read " + file + ": " + AtomicFiles.describe(e), e);
        }
        JsonElement tree;
        try {
            tree = JsonParser.parseString(text);
        } catch (JsonParseException e) {
            Matcher lc = LINE_COLUMN.matcher(message(e));
            String reason = reason(e);
            throw new ResNet4jException(file + ": not valid JSON" + (lc.find() ? " at line " + lc.group(1) + ", column "
                    + lc.group(2) : "") + (reason.isEmpty() ? "" : ": " + reason), e);
        }
        if (tree.isJsonNull()) {
            throw new ResNet4jException(file + ": empty JSON file");
        }
        if (JsonElement.class.isAssignableFrom(type) ? !type.isInstance(tree) : !tree.isJsonObject()) {
            throw new ResNet4jException(file + ": expected a JSON " + (type == JsonElement.class ? "value" : "object {...}")
                    + ", not " + kind(tree));
        }
        if (JsonElement.class.isAssignableFrom(type)) {
            return type.cast(tree);
        }
        JsonReader reader = new JsonReader(new StringReader(text));
        try {
            return GSON.fromJson(reader, TypeToken.get(type));
        } catch (JsonParseException | IllegalStateException | NumberFormatException e) {
            String at = reader.getPath().replaceFirst("^\\$\\.?", "");
            String reason = reason(e);
            throw new ResNet4jException(file + ": unexpected value" + (at.isEmpty() ? "" : " of " + at)
                    + (reason.isEmpty() ? "" : " (" + reason + ")"), e);
        }
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
    }

    /** What a Gson error says is wrong, in words: no class names, no position. */
    static String reason(Throwable e) {
        String m = CLASS_NAME.matcher(message(e)).replaceAll("");
        Matcher at = AT.matcher(m);
        if (at.find()) {
            m = m.substring(0, at.start());
        }
        String reason = m.strip()
                .replace("BEGIN_OBJECT", "an object").replace("BEGIN_ARRAY", "an array")
                .replace("END_OBJECT", "'}'").replace("END_ARRAY", "']'").replace("END_DOCUMENT", "the end")
                .replace("NAME", "a key").replace("STRING", "a string").replace("NUMBER", "a number")
                .replace("BOOLEAN", "true or false").replace("NULL", "null");
        if (reason.contains("JsonReader") || reason.contains("Strictness") || reason.contains("com.google")) {
            return "malformed JSON";
        }
        if (reason.startsWith("End of input")) {
            return "the file ends too early";
        }
        if (reason.startsWith("For input string: ")) {
            return "expected a number, not " + reason.substring("For input string: ".length());
        }
        return reason.isEmpty() ? "" : reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
    }

    private static String kind(JsonElement e) {
        return e.isJsonArray() ? "an array" : e.isJsonObject() ? "an object" : "a single value (" + e + ")";
    }
}
