package javelin.machine;

import java.io.IOException;
import java.nio.file.Path;

/** Assembles guest test programs with nasm (installed by scripts/setup). */
final class Nasm {
    private Nasm() { }

    static Path assemble(Path source, Path output) throws IOException, InterruptedException {
        // -i: %include files (smp-rom.inc) sit beside the source.
        Path dir = source.toAbsolutePath().getParent();
        Process p = new ProcessBuilder("nasm", "-f", "bin", "-i", dir + "/", "-o", output.toString(), source.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new AssertionError("nasm failed on " + source + ":\n" + log);
        return output;
    }
}
