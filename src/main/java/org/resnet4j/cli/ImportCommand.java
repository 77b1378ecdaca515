package org.resnet4j.cli;
import picocli.CommandLine.Command;
@Command(name = "import", mixinStandardHelpOptions = true, description = "Import PyTorch weights.")
public final class ImportCommand implements Runnable { public void run() {} }
