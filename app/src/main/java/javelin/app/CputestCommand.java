package javelin.app;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import javelin.cpu.x86.conformance.CpuTestRunner;
import javelin.machine.MachineConfigException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code javelin cputest [--verbose] PATH...}: runs single-instruction conformance test files
 * (the SingleStepTests JSON layout described in shared/conformance/README.md) on the
 * interpreter and prints one line per file and a final {@code N passed, M failed}.
 */
@Command(name = "cputest", description = "run single-instruction CPU conformance tests (*.json.gz)")
final class CputestCommand implements Callable<Integer> {
    @Option(names = "--verbose", description = "print every failing test with both states")
    boolean verbose;

    @Parameters(arity = "1..*", paramLabel = "PATH", description = "test files or directories")
    List<Path> paths;

    @Override public Integer call() {
        for (Path p : paths) {
            if (!Files.exists(p)) throw new MachineConfigException("cputest: " + p + ": no such file or directory");
        }
        return CpuTestRunner.run(paths, verbose, System.out);
    }
}
