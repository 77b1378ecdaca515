package org.resnet4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code resnet4j data}: inspect, preview and download data sets. */
@Command(name = "data", mixinStandardHelpOptions = true, description = "Inspect, preview and download data sets.",
        subcommands = {DataInfoCommand.class, DataPreviewCommand.class, DataDownloadCommand.class})
public final class DataCommand implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
