package javelin.testimages;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The reference guest images of docs/images.md, built on first use by
 * test-images/scripts/build-images into the cache ($JAVELIN_CACHE or ~/.cache/javelin).
 */
final class ReferenceImages {
    private ReferenceImages() { }

    static Path cacheDir() {
        String env = System.getenv("JAVELIN_CACHE");
        return env != null && !env.isEmpty() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "javelin");
    }

    /** A file of the images directory, building the images first if it is missing. */
    static synchronized Path image(String name) throws IOException, InterruptedException {
        Path file = cacheDir().resolve("images").resolve(name);
        if (!Files.exists(file)) {
            Process p = new ProcessBuilder(JavelinProcess.root().resolve("test-images/scripts/build-images").toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(15, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException("test-images/scripts/build-images failed; run it by hand to see why");
            }
        }
        if (!Files.exists(file)) throw new IllegalStateException("build-images made no " + file);
        return file;
    }
}
