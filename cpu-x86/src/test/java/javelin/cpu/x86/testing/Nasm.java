package javelin.cpu.x86.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** The test programs' assembler: nasm ({@code scripts/setup} installs it), flat binary output. */
public final class Nasm {
    private Nasm() { }

    /**
     * Assembles {@code source} into {@code target/<outDir>/<name>.bin} (includes are searched
     * beside the source) and returns the bytes; fails with nasm's messages.
     */
    public static byte[] assemble(Path source, String outDir) throws IOException, InterruptedException {
        Path out = Path.of("target", outDir, source.getFileName().toString().replace(".asm", ".bin"));
        Files.createDirectories(out.getParent());
        Path dir = source.toAbsolutePath().getParent();
        Process p = new ProcessBuilder("nasm", "-f", "bin", "-I", dir + "/", "-o", out.toString(), source.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("nasm failed on " + source + ":\n" + log);
        }
        return Files.readAllBytes(out);
    }

    /**
     * A directory of this module's test sources ({@code parts} below {@code cpu-x86}): relative
     * when the tests run in the module, else under the {@code javelin.root} checkout.
     */
    public static Path sourceDir(String... parts) {
        Path local = Path.of("", parts);
        if (Files.isDirectory(local)) return local;
        return Path.of(System.getProperty("javelin.root", "."), "cpu-x86").resolve(local);
    }
}
