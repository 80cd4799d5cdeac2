package javelin.firmware;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Locates SeaBIOS ({@code bios-256k.bin}) and SeaVGABIOS ({@code vgabios-stdvga.bin}) as
 * Debian's {@code seabios} package ships them, in {@code <cache>/firmware/}. If they are not
 * there yet, runs {@code scripts/fetch-firmware} (which downloads and extracts the package once)
 * and looks again; if that is impossible, fails with a message saying what to run.
 *
 * <p>The cache directory is {@code $JAVELIN_CACHE}, else {@code $HOME/.cache/javelin}
 * (docs/firmware.md). A {@code -bios FILE} given by the user bypasses this class.
 */
public final class FirmwareFiles {
    /** SeaBIOS built for QEMU with 256 KiB of ROM (what QEMU's pc machine loads by default). */
    public static final String BIOS = "bios-256k.bin";
    /** SeaVGABIOS for the Bochs/QEMU standard VGA with VBE. */
    public static final String VGA_BIOS = "vgabios-stdvga.bin";
    static final long FETCH_TIMEOUT_SECONDS = 300;

    private final Path cacheDir;
    private final Path fetchScript;

    /**
     * @param cacheDir    the Javelin cache directory (firmware lives in its {@code firmware/})
     * @param fetchScript {@code scripts/fetch-firmware}, or null if there is no checkout to run it from
     */
    public FirmwareFiles(Path cacheDir, Path fetchScript) {
        this.cacheDir = cacheDir;
        this.fetchScript = fetchScript;
    }

    /** The cache directory from an environment: {@code JAVELIN_CACHE}, else {@code HOME/.cache/javelin}. */
    public static Path defaultCacheDir(Map<String, String> env) {
        String explicit = env.get("JAVELIN_CACHE");
        if (explicit != null && !explicit.isEmpty()) return Path.of(explicit);
        String home = env.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".cache", "javelin");
    }

    public Path firmwareDir() {
        return cacheDir.resolve("firmware");
    }

    /** The SeaBIOS image, fetched on first use. */
    public Path bios() throws IOException {
        return locate(BIOS);
    }

    /** The SeaVGABIOS image for the standard VGA, fetched on first use. */
    public Path vgaBios() throws IOException {
        return locate(VGA_BIOS);
    }

    private Path locate(String name) throws IOException {
        Path file = firmwareDir().resolve(name);
        if (isPresent(file)) return file;
        if (fetchScript == null || !Files.isExecutable(fetchScript)) {
            throw new IOException("firmware " + file + " is missing and there is no fetch script"
                    + (fetchScript == null ? "" : " at " + fetchScript)
                    + "; run scripts/fetch-firmware from a Javelin checkout, or give -bios FILE");
        }
        runFetchScript();
        if (!isPresent(file)) {
            throw new IOException("firmware " + file + " is still missing after running " + fetchScript);
        }
        return file;
    }

    private static boolean isPresent(Path file) throws IOException {
        return Files.isRegularFile(file) && Files.size(file) > 0;
    }

    private void runFetchScript() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(fetchScript.toString(), "--quiet").redirectErrorStream(true);
        pb.environment().put("JAVELIN_CACHE", cacheDir.toString());
        Process process = pb.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes());
        try {
            if (!process.waitFor(FETCH_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(fetchScript + " did not finish within " + FETCH_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + fetchScript, e);
        }
        if (process.exitValue() != 0) {
            throw new IOException(fetchScript + " failed (exit status " + process.exitValue() + "): "
                    + output.strip());
        }
    }
}
