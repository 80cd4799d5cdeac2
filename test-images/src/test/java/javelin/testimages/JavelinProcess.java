package javelin.testimages;

import java.io.File;
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

    /**
     * The java command line of the {@code javelin} launcher, before the emulator's own options:
     * JavaFX's platform jars on the module path, the app jar and every other dependency on the
     * class path (the jars without a classifier are JavaFX's empty placeholders).
     */
    static List<String> command() throws IOException {
        Path appTarget = root().resolve("app/target");
        List<String> modules = new ArrayList<>();
        List<String> classPath = new ArrayList<>(List.of(appJar(appTarget).toString()));
        try (var jars = Files.list(appTarget.resolve("lib"))) {
            for (Path jar : jars.sorted().toList()) {
                String name = jar.getFileName().toString();
                if (name.matches("javafx-.*-linux.*\\.jar")) modules.add(jar.toString());
                else if (!name.startsWith("javafx-") && name.endsWith(".jar")) classPath.add(jar.toString());
            }
        }
        return new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xss16m",
                "--module-path", String.join(File.pathSeparator, modules), "--add-modules", "javafx.controls",
                "--enable-native-access=javafx.graphics,ALL-UNNAMED", "-Dorg.lwjgl.system.memoryBackend=ffm",
                "-Djavelin.root=" + root(), "-cp", String.join(File.pathSeparator, classPath), "javelin.app.Main"));
    }

    static Result run(Path workDir, long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = command();
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
