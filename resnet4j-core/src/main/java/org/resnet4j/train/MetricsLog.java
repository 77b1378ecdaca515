package org.resnet4j.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.resnet4j.ResNet4jException;
import org.resnet4j.util.AtomicFiles;

/** A run's {@code metrics.csv}: one {@link EpochMetrics} per line, written atomically. */
public final class MetricsLog {
    public static final String HEADER =
            "epoch,iteration,lr,train_loss,train_error,val_loss,val_error,test_error,images_per_sec,seconds";

    private MetricsLog() {}

    public static void write(Path csv, List<EpochMetrics> rows) {
        StringBuilder s = new StringBuilder(HEADER).append('\n');
        for (EpochMetrics m : rows) {
            s.append(String.format(Locale.ROOT, "%d,%d,%.6g,%.6f,%.6f,%s,%s,%s,%.1f,%.2f%n", m.epoch(), m.iteration(), m.lr(),
                    m.trainLoss(), m.trainError(), cell(m.valLoss()), cell(m.valError()), cell(m.testError()),
                    m.imagesPerSec(), m.seconds()));
        }
        AtomicFiles.writeString(csv, s.toString());
    }

    public static List<EpochMetrics> read(Path csv) {
        List<String> lines;
        try {
            lines = Files.readAllLines(csv);
        } catch (NoSuchFileException e) {
            throw new ResNet4jException(csv + ": no such file (not a ResNet4J run directory?)");
        } catch (IOException e) {
            throw new ResNet4jException("cannot read " + csv + ": " + AtomicFiles.describe(e), e);
        }
        if (lines.isEmpty() || !lines.get(0).trim().equals(HEADER)) {
            throw new ResNet4jException(csv + ": not a ResNet4J metrics file (expected header " + HEADER + ")");
        }
        List<EpochMetrics> rows = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            try {
                rows.add(new EpochMetrics(Integer.parseInt(f[0]), Long.parseLong(f[1]), Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]), Double.parseDouble(f[4]), nullable(f[5]), nullable(f[6]), nullable(f[7]),
                        Double.parseDouble(f[8]), Double.parseDouble(f[9])));
            } catch (RuntimeException e) {
                throw new ResNet4jException(csv + ": line " + (i + 1) + " is malformed: " + line);
            }
        }
        return rows;
    }

    private static String cell(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.6f", v);
    }

    private static Double nullable(String s) {
        return s.isBlank() ? null : Double.valueOf(s);
    }
}
