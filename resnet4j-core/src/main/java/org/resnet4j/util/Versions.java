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

    public static String djl() {
        String v = ai.djl.engine.Engine.class.getPackage().getImplementationVersion();
        return v == null ? "0.35.1" : v;
    }

    /** The PyTorch native version, without loading the engine. */
    public static String pytorch() {
        return "2.7.1";
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
