package javelin.testimages;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the built emulator as a separate process, exactly as the launcher does (the app jar and
 * its runtime dependencies), so end-to-end tests see the real exit status and output.
 */
final class JavelinProcess {
    record Result(int status, String stdout, String stderr) { }

    static Path root() {
        return Path.of(System.getProperty("javelin.root", ".")).toAbsolutePath().normalize();
    }

    static Result run(Path workDir, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        Path appTarget = root().resolve("app/target");
        Path jar = appJar(appTarget);
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-Djavelin.root=" + root(), "-Dorg.lwjgl.system.memoryBackend=ffm",
                "-cp", jar + java.io.File.pathSeparator + appTarget.resolve("lib") + "/*",
                "javelin.app.Main"));
        cmd.addAll(List.of(args));
        Path out = workDir.resolve("stdout.txt");
        Path err = workDir.resolve("stderr.txt");
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put("ALSOFT_DRIVERS", "null");      // no sound card in tests: a silent speaker
        headless(pb);
        Process p = pb.directory(workDir.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE).start();
        p.getOutputStream().close();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("emulator did not exit within " + timeoutSeconds + " s; stderr: " + Files.readString(err));
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /**
     * Without {@code -display} the emulator opens its window when the environment names a
     * display; the headless tests must not, even when run from a desktop session.
     */
    static void headless(ProcessBuilder pb) {
        pb.environment().remove("DISPLAY");
        pb.environment().remove("WAYLAND_DISPLAY");
    }

    static Path appJar(Path appTarget) throws IOException {
        try (var files = Files.list(appTarget)) {
            return files.filter(p -> p.getFileName().toString().matches("app-.*\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("app jar not built in " + appTarget));
        }
    }

    /** Assembles a guest program with nasm into a flat binary. */
    static Path assemble(Path source, Path output) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("nasm", "-f", "bin", "-o", output.toString(), source.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new AssertionError("nasm failed on " + source + ":\n" + log);
        return output;
    }

    private JavelinProcess() { }
}
