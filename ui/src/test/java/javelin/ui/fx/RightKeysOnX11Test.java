package javelin.ui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Right Shift, right Ctrl, right Windows and keypad Enter end to end on a real X server: Xvfb,
 * the window in its own JVM on the GTK platform ({@link X11KeysWindowMain}), keys pressed with
 * xdotool (XTEST, as a keyboard would), PC keys read from the fake machine. Skipped where Xvfb
 * or xdotool is missing (scripts/test installs both).
 */
class RightKeysOnX11Test {
    private static final long TIMEOUT_SECONDS = 30;

    private Process xvfb;
    private Process window;
    private int display;
    /** The test's own connection to the server, for its key codes. */
    private X11KeyLocator server;
    private final BlockingQueue<String> keys = new LinkedBlockingQueue<>();
    private final StringBuilder windowOutput = new StringBuilder();

    @BeforeEach
    void startXvfbAndTheWindow() throws Exception {
        assumeTrue(onPath("Xvfb") && onPath("xdotool"), "Xvfb and xdotool are not installed (scripts/test installs them)");
        // -displayfd: Xvfb picks a free display itself and prints its number, so parallel runs never collide.
        xvfb = new ProcessBuilder("Xvfb", "-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        xvfb.getOutputStream().close();
        BufferedReader xvfbOut = new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.US_ASCII));
        String number = xvfbOut.readLine();
        assertNotNull(number, "Xvfb exited before choosing a display");
        display = Integer.parseInt(number.trim());

        // The test JVM's own class path and JavaFX modules (the ui pom puts JavaFX on the module path).
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", System.getProperty("jdk.module.path"), "--add-modules", "javafx.controls",
                "--enable-native-access=javafx.graphics,ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                X11KeysWindowMain.class.getName()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("DISPLAY", ":" + display);
        pb.environment().remove("WAYLAND_DISPLAY");
        window = pb.start();
        window.getOutputStream().close();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(window.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (windowOutput) {
                        windowOutput.append(line).append('\n');
                    }
                    if (line.equals("ready") || line.startsWith("+") || line.startsWith("-")) keys.add(line);
                }
            } catch (IOException ended) {
                // the window's JVM was stopped
            }
        }, "x11-keys-window-output");
        reader.setDaemon(true);
        reader.start();
        assertEquals("ready", next());
        String id = x("xdotool", "search", "--sync", "--name", "^Javelin").lines().findFirst().orElseThrow();
        x("xdotool", "windowfocus", "--sync", id);
    }

    @AfterEach
    void stop() throws InterruptedException, IOException {
        if (window != null) end(window);
        // What the window's JVM printed, kept for a failure to be looked at.
        Path log = Path.of("target", "right-keys-on-x11.log");
        synchronized (windowOutput) {
            Files.writeString(log, windowOutput + "----\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        if (xvfb != null) end(xvfb);      // SIGTERM: a killed Xvfb leaves its lock file and socket behind
    }

    /**
     * Holds the key until the window has sent its press to the guest, as a finger holds it until
     * the key registers: the window asks the server while the key is down, however late it
     * handles the event on a loaded machine. Returns the press and the release the guest saw.
     * By X key code, because xdotool given a modifier's keysym (Control_R) also presses the first
     * key of that modifier (Control_L), which a keyboard never does.
     */
    private List<String> pressAndRelease(javafx.scene.input.KeyCode host, boolean right) throws Exception {
        String code = keycode(host, right);
        x("xdotool", "keydown", code);
        String pressed = next();
        x("xdotool", "keyup", code);
        return List.of(pressed, next());
    }

    /** The X key code of the left or right key behind a JavaFX key code, from the server's own mapping. */
    private String keycode(javafx.scene.input.KeyCode host, boolean right) {
        if (server == null) {
            server = X11KeyLocator.open(":" + display).orElseThrow(() -> new AssertionError("cannot open :" + display + " with libX11"));
        }
        X11KeyLocator.Pair p = server.pairOf(host);
        int code = right ? p.right() : p.left();
        assertTrue(code != 0, host + " has no X key code");
        return Integer.toString(code);
    }

    @Test
    void rightShiftCtrlWindowsAndKeypadEnterReachTheGuestAsThemselves() throws Exception {
        assertEquals(List.of("+RIGHT_CONTROL", "-RIGHT_CONTROL"), pressAndRelease(javafx.scene.input.KeyCode.CONTROL, true));
        assertEquals(List.of("+RIGHT_SHIFT", "-RIGHT_SHIFT"), pressAndRelease(javafx.scene.input.KeyCode.SHIFT, true));
        assertEquals(List.of("+RIGHT_META", "-RIGHT_META"), pressAndRelease(javafx.scene.input.KeyCode.WINDOWS, true));
        assertEquals(List.of("+KP_ENTER", "-KP_ENTER"), pressAndRelease(javafx.scene.input.KeyCode.ENTER, true));
    }

    @Test
    void theLeftKeysStayLeft() throws Exception {
        assertEquals(List.of("+LEFT_CONTROL", "-LEFT_CONTROL"), pressAndRelease(javafx.scene.input.KeyCode.CONTROL, false));
        assertEquals(List.of("+LEFT_SHIFT", "-LEFT_SHIFT"), pressAndRelease(javafx.scene.input.KeyCode.SHIFT, false));
        assertEquals(List.of("+LEFT_META", "-LEFT_META"), pressAndRelease(javafx.scene.input.KeyCode.WINDOWS, false));
        assertEquals(List.of("+ENTER", "-ENTER"), pressAndRelease(javafx.scene.input.KeyCode.ENTER, false));
    }

    @Test
    void bothShiftsHeldAreTwoKeysReleasedInTheirOwnOrder() throws Exception {
        String left = keycode(javafx.scene.input.KeyCode.SHIFT, false), right = keycode(javafx.scene.input.KeyCode.SHIFT, true);
        // Each step waits for the window's report of the last, so a late window still sees the keys as they were.
        x("xdotool", "keydown", left);
        assertEquals("+LEFT_SHIFT", next());
        x("xdotool", "keydown", right);
        assertEquals("+RIGHT_SHIFT", next());
        x("xdotool", "keyup", right);
        assertEquals("-RIGHT_SHIFT", next());
        x("xdotool", "keyup", left);
        assertEquals("-LEFT_SHIFT", next());
    }

    private String next() throws InterruptedException {
        String line = keys.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (line == null) {
            synchronized (windowOutput) {
                throw new AssertionError("nothing from the window within " + TIMEOUT_SECONDS + " s (window "
                        + (window.isAlive() ? "running" : "exited " + window.exitValue()) + "); its output:\n" + windowOutput);
            }
        }
        return line;
    }

    /** Runs an X client on the test's display and returns its output; a failure or a hang fails the test. */
    private String x(String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DISPLAY", ":" + display);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed: " + text);
        return text;
    }

    private static void end(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }
}
