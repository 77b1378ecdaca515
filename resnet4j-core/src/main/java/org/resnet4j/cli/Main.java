package org.resnet4j.cli;

import java.io.PrintWriter;
import org.resnet4j.ResNet4jException;
import org.resnet4j.UsageException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code resnet4j} command-line tool. */
@Command(
        name = "resnet4j",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Deep residual networks for the JVM: build, train, evaluate and use ResNets.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:success", "1:error: a missing or broken file, I/O (one line on stderr)",
            "2:bad command line: an unknown option, or a value out of range, in conflict or not fitting the data",
            "130:stopped by Ctrl-C", "143:stopped by SIGTERM"},
        subcommands = {
            SummaryCommand.class,
            TrainCommand.class,
            ImportCommand.class,
            ParityCommand.class,
            DataCommand.class,
            EvalCommand.class,
            PredictCommand.class,
            EmbedCommand.class,
            SimilarCommand.class,
            CompareCommand.class,
            BenchCommand.class,
            ReproduceCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the tool and returns its exit code; used by tests too. */
    public static int execute(String... args) {
        System.setProperty("ai.djl.offline", "true");
        CommandLine cli = commandLine();
        return cli.execute(args);
    }

    /** The configured command line: one-line errors for bad flags and for {@link ResNet4jException}. */
    public static CommandLine commandLine() {
        return withErrorHandling(new CommandLine(new Main()));
    }

    /**
     * {@code cli} with the tool's error handling: a bad flag or a {@link ResNet4jException} is one
     * line on stderr and exit code 2 (the command line is at fault) or 1 (anything else). Other
     * entry points (the Spark module's job) use it so that they fail as the tool does.
     */
    public static CommandLine withErrorHandling(CommandLine cli) {
        cli.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("resnet4j: " + ex.getMessage());
            err.println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            err.flush();
            return 2;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            err.println("resnet4j: " + userMessage(ex));
            if (!(ex instanceof ResNet4jException) && System.getenv("RESNET4J_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            err.flush();
            return isUsage(ex) ? 2 : 1;
        });
        return cli;
    }

    /** Whether the command line is at fault ({@link UsageException}): exit code 2. */
    static boolean isUsage(Throwable ex) {
        for (Throwable t = ex; t != null; t = t.getCause()) {
            if (t instanceof ResNet4jException) {
                return t instanceof UsageException;
            }
        }
        return false;
    }

    /** The one line a user sees for an exception. */
    static String userMessage(Throwable ex) {
        if (ex instanceof ResNet4jException) {
            return ex.getMessage();
        }
        for (Throwable t = ex.getCause(); t != null; t = t.getCause()) {
            if (t instanceof ResNet4jException) {
                return t.getMessage();
            }
        }
        if (ex instanceof OutOfMemoryError) {
            return "out of memory: use a smaller --batch-size or give Java more memory (RESNET4J_JAVA_OPTS=-Xmx16g)";
        }
        String m = ex.getMessage();
        return "internal error: " + ex.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""))
                + " (set RESNET4J_DEBUG=1 for details)";
    }

    /** Version from the jar manifest, plus the engine versions. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"resnet4j " + org.resnet4j.util.Versions.resnet4j(),
                "DJL " + org.resnet4j.util.Versions.djl() + ", PyTorch " + org.resnet4j.util.Versions.pytorch(),
                "Java " + System.getProperty("java.version")};
        }
    }
}
