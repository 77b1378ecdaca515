package org.resnet4j.cli;

import java.nio.file.Path;
import org.resnet4j.dataset.DataLocator;
import org.resnet4j.dataset.Downloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code resnet4j data download}: the official archives, verified and placed atomically. */
@Command(name = "download", mixinStandardHelpOptions = true,
        description = {"Download a data set's official archives, with checksum verification and resume.",
            "RESNET4J_DOWNLOAD_BASE=URL fetches the same file names from a mirror."})
public final class DataDownloadCommand implements Runnable {
    @Option(names = "--dataset", required = true, paramLabel = "NAME", description = "cifar10, cifar100, mnist or fashion-mnist.")
    String dataset;

    @Option(names = "--data", paramLabel = "DIR", description = "Directory to put it in (default: $RESNET4J_DATA, else ./data).")
    Path dir;

    @Override
    public void run() {
        Downloads.official().download(dataset, dir != null ? dir : DataLocator.system().downloadDir());
    }
}
