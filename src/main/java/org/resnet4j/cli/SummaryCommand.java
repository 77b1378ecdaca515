package org.resnet4j.cli;
import picocli.CommandLine.Command;
@Command(name = "summary", mixinStandardHelpOptions = true, description = "Per-layer table, parameters and multiply-adds of a model.")
public final class SummaryCommand implements Runnable { public void run() {} }
