package org.resnet4j.util;

import java.util.LinkedHashMap;
import java.util.Map;

/** Versions of ResNet4J and what it runs on, recorded in every model's provenance. */
public final class Versions {
    private Versions() {}

    public static String resnet4j() {
        String v = Versions.class.getPackage().getImplementationVersion();
        return v == null ? "0.1.0-SNAPSHOT" : v;
    }

    /** The DJL on the class path, from its jar's manifest (DJL sets Specification-Version only). */
    public static String djl() {
        Package p = ai.djl.engine.Engine.class.getPackage();
        String v = p.getImplementationVersion() != null ? p.getImplementationVersion() : p.getSpecificationVersion();
        return v == null ? "unknown" : v;
    }

    /**
     * The PyTorch native version on the class path, without loading the engine: the native jar's
     * {@code native/lib/pytorch.properties} ({@code version=2.7.1-20250812} gives 2.7.1).
     */
    public static String pytorch() {
        try (java.io.InputStream in = Versions.class.getClassLoader().getResourceAsStream("native/lib/pytorch.properties")) {
            if (in != null) {
                java.util.Properties props = new java.util.Properties();
                props.load(in);
                String v = props.getProperty("version");
                if (v != null) {
                    return v.contains("-") ? v.substring(0, v.indexOf('-')) : v;
                }
            }
        } catch (java.io.IOException e) {
            // fall through
        }
        return "unknown";
    }

    public static Map<String, String> all() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("resnet4j", resnet4j());
        m.put("djl", djl());
        m.put("pytorch", pytorch());
        m.put("java", System.getProperty("java.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return m;
    }
}
