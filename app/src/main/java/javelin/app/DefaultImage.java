package javelin.app;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javelin.machine.MachineConfigException;

/**
 * The reference CD image ./javelin boots when given no arguments: built from Debian's i386
 * packages by test-images/scripts/build-images into $JAVELIN_CACHE/images (default
 * ~/.cache/javelin), on first use.
 */
final class DefaultImage {
    static final String CD_IMAGE = "javelin.iso";

    private DefaultImage() { }

    static Path referenceCd() {
        String cacheEnv = System.getenv("JAVELIN_CACHE");
        Path cache = cacheEnv != null && !cacheEnv.isEmpty() ? Path.of(cacheEnv) : Path.of(System.getProperty("user.home"), ".cache", "javelin");
        Path iso = cache.resolve("images").resolve(CD_IMAGE);
        if (Files.exists(iso)) return iso;
        String root = System.getProperty("javelin.root");
        if (root == null) throw new MachineConfigException("no reference image at " + iso + " (run test-images/scripts/build-images)");
        Path script = Path.of(root, "test-images", "scripts", "build-images");
        System.err.println("javelin: building the reference images (first run, about a minute)...");
        try {
            Process p = new ProcessBuilder(script.toString()).inheritIO().redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor() != 0) throw new MachineConfigException(script + " failed (status " + p.exitValue() + ")");
        } catch (IOException e) {
            throw new MachineConfigException("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MachineConfigException("interrupted while building the reference images", e);
        }
        if (!Files.exists(iso)) throw new MachineConfigException(script + " made no " + iso);
        return iso;
    }
}
