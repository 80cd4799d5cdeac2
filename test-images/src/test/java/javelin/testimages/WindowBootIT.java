package javelin.testimages;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The JavaFX window end to end, under a real X server (Xvfb, as scripts/test installs it): the
 * emulator runs as the launcher runs it with {@code -display javafx}, boots the reference CD,
 * and the test looks at the window's pixels and types into it as a user would.
 *
 * <ul>
 *   <li>Screen: with the machine paused (so the blinking cursor holds still), the window's pixels
 *       from an X screenshot ({@code import -window root}) must contain the guest framebuffer
 *       that QMP {@code screendump} writes, pixel for pixel (the window opens at the guest's
 *       size, scale 1), and that framebuffer must hold the console text. A window showing
 *       nothing, garbage or a stale frame fails.</li>
 *   <li>Keyboard: {@code xdotool type} into the window writes a command at the shell on the VGA
 *       console (tty1), which echoes a random word to the serial port; the word must arrive on
 *       COM1, so every key went through the window's key handling to the PS/2 keyboard.</li>
 * </ul>
 */
class WindowBootIT {
    /** Backstop for X and the window to come up; both take about a second. */
    static final long WINDOW_TIMEOUT_SECONDS = 60;
    /** The share of framebuffer pixels the window must show exactly (1.0 in practice). */
    static final double MIN_MATCH = 0.999;

    /** Kept after the run (COM1, stderr, screenshots) so a failure can be looked at. */
    private final Path work = JavelinProcess.root().resolve("test-images/target/window-boot-it");

    @Test
    void bootsInTheWindowShowsTheConsoleAndTakesTypedCommands() throws Exception {
        String release = LinuxGuest.kernelRelease();
        Path iso = ReferenceImages.image("javelin.iso");
        for (String tool : List.of("Xvfb", "xdotool", "import")) {
            assertTrue(onPath(tool), tool + " is not installed (scripts/test installs xvfb, xdotool and imagemagick)");
        }
        Files.createDirectories(work);
        for (String old : List.of("com1.txt", "failure.png", "framebuffer.png", "window.png")) Files.deleteIfExists(work.resolve(old));
        int display = freeXDisplay();
        Process xvfb = new ProcessBuilder("Xvfb", ":" + display, "-screen", "0", "1280x1024x24", "-nolisten", "tcp")
                .redirectErrorStream(true).redirectOutput(work.resolve("xvfb.log").toFile()).start();
        Process emulator = null;
        try {
            awaitFile(Path.of("/tmp/.X11-unix/X" + display), xvfb);
            int qmpPort = freePort();
            Path com1 = work.resolve("com1.txt");
            emulator = startEmulator(display, List.of("-cdrom", iso.toString(), "-display", "javafx", "-audio", "none",
                    "-serial", "file:" + com1, "-qmp", "tcp:127.0.0.1:" + qmpPort + ",server=on,wait=off"));
            String window = x(display, "xdotool", "search", "--sync", "--name", "^Javelin").lines().findFirst().orElseThrow();

            // The shells on ttyS0 and tty1 start together after the marker; the banner says they
            // run. Not the serial prompt: once it never came (ash waiting on its cursor query, a
            // guest matter), and the test types at tty1's shell, which queues input until it reads.
            int at = awaitText(com1, "JAVELIN-READY " + release, 0, LinuxGuest.BOOT_TIMEOUT_SECONDS, emulator);
            awaitText(com1, "built-in shell (ash)", at, LinuxGuest.STEP_TIMEOUT_SECONDS, emulator);

            try (RemoteConsolesIT.QmpClient qmp = new RemoteConsolesIT.QmpClient(
                    new RemoteConsolesIT.SocatStream("TCP:127.0.0.1:" + qmpPort))) {
                qmp.greeting();
                qmp.execute("{\"execute\":\"qmp_capabilities\"}");
                qmp.execute("{\"execute\":\"stop\"}");
                qmp.event("STOP");
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(1));      // the window draws the last frame (60 fps)
                Path dump = work.resolve("framebuffer.png");
                qmp.execute("{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"" + dump + "\",\"format\":\"png\"}}");
                Path shot = work.resolve("window.png");
                x(display, "import", "-window", "root", shot.toString());
                checkWindowShows(ImageIO.read(dump.toFile()), ImageIO.read(shot.toFile()));
                qmp.execute("{\"execute\":\"cont\"}");
                qmp.event("RESUME");

                String word = "win-" + ThreadLocalRandom.current().nextInt(10_000, 100_000);
                String typed = "echo " + word + " >/dev/ttyS0";
                x(display, "xdotool", "windowfocus", "--sync", window);
                int from = Files.readString(com1, StandardCharsets.ISO_8859_1).length();
                x(display, "xdotool", "type", "--delay", "40", typed);
                x(display, "xdotool", "key", "Return");
                try {
                    awaitText(com1, word, from, 60, emulator);
                } catch (AssertionError noAnswerYet) {
                    // As LinuxGuest.ask: ash may swallow an Enter typed while it waits for a cursor report.
                    x(display, "xdotool", "key", "Return");
                    try {
                        awaitText(com1, word, from, LinuxGuest.STEP_TIMEOUT_SECONDS, emulator);
                    } catch (AssertionError noAnswer) {
                        throw withTypingDiagnosis(noAnswer, typed, com1, from, qmp);
                    }
                }
            }
        } catch (AssertionError | RuntimeException e) {
            try {
                x(display, "import", "-window", "root", work.resolve("failure.png").toString());   // what the window showed
            } catch (AssertionError | IOException screenshotFailed) {
                e.addSuppressed(screenshotFailed);
            }
            throw e;
        } finally {
            if (emulator != null) stop(emulator);
            stop(xvfb);             // SIGTERM first: a killed Xvfb leaves its lock file and socket behind
        }
    }

    /** The screen check itself, without a boot: it finds the picture, and refuses blank or different pixels. */
    @Test
    void theScreenCheckFindsTheGuestScreenAndRefusesAnythingElse() {
        java.util.Random random = new java.util.Random(7);
        BufferedImage fb = new BufferedImage(720, 400, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 400; y++) {
            for (int x = 0; x < 720; x++) if (random.nextInt(10) == 0) fb.setRGB(x, y, 0xAAAAAA);   // "text"
        }
        BufferedImage shot = new BufferedImage(1280, 1024, BufferedImage.TYPE_INT_RGB);
        shot.getGraphics().drawImage(fb, 268, 215, null);
        checkWindowShows(fb, shot);
        BufferedImage blank = new BufferedImage(1280, 1024, BufferedImage.TYPE_INT_RGB);
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> checkWindowShows(fb, blank));
        BufferedImage other = new BufferedImage(1280, 1024, BufferedImage.TYPE_INT_RGB);
        other.getGraphics().drawImage(fb, 268, 215, null);
        other.getGraphics().drawImage(fb.getSubimage(0, 16, 720, 384), 268, 215, null);   // scrolled by a text row
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> checkWindowShows(fb, other));
    }

    /**
     * The diagnosis without a boot: a line whose echo lost characters to keyboard overruns, the
     * kernel's messages printed into the middle of it on tty1, as Linux's VGA console shows it.
     */
    @Test
    void theTypingDiagnosisNamesTheKeysThatDidNotEcho() {
        String typed = "echo win-82843 >/dev/ttyS0";
        String unknown = "[   81.204417] atkbd serio0: Unknown key pressed (translated set 2, code 0x0 on isa0060/serio0).";
        String use = "[   81.205010] atkbd serio0: Use 'setkeycodes 00 <keycode>' to make it known.";
        String com1 = "JAVELIN-READY\r\n" + unknown + "\r\n" + use + "\r\n[   82.0] other driver: fine\r\n";
        List<String> screen = new ArrayList<>();
        screen.add("javelin# ");
        screen.add("javelin# ");
        String line = "javelin# echo win-82843 >/dev" + unknown;           // the message starts at the cursor
        screen.add(line.substring(0, 80));
        screen.add(line.substring(80));
        screen.add(use);
        screen.add("yS");                                                    // echo continues after the messages
        screen.add("javelin# ");
        screen.add("ls /proc (stale text from before a roll-over)");
        String d = typingDiagnosis(typed, com1, screen);
        assertTrue(d.contains("tty1 echoed:  echo win-82843 >/devyS\n"), d);
        assertTrue(d.contains("not echoed:   '/' at 20, 't' at 21, 't' at 22, '0' at 25"), d);
        assertTrue(d.contains(unknown) && d.contains(use) && !d.contains("other driver"), d);
        assertTrue(d.contains("(2)"), "counts the keyboard messages: " + d);

        String clean = typingDiagnosis(typed, "", List.of("javelin# echo win-82843 >/dev/ttyS0", "javelin# "));
        assertTrue(clean.contains("not echoed:   nothing"), clean);
        assertTrue(clean.contains("none on COM1"), clean);
        assertTrue(typingDiagnosis(typed, "", List.of("javelin# ")).contains("tty1 echoed:  nothing"));
        assertEquals(">/devyS", withoutMessage(">/dev[ 1.0] atkbd key" + "code 0.yS", "[ 1.0] atkbd key code 0."),
                "a blank lost where the console wrapped the message");
    }

    @Test
    void vgaTextRowsComeFromAnXpHalfwordDump() {
        StringBuilder xp = new StringBuilder();
        int[] cells = new int[2 * 80];
        for (int i = 0; i < cells.length; i++) cells[i] = 0x0720;                  // grey on black spaces
        String text = "javelin# ls";
        for (int i = 0; i < text.length(); i++) cells[80 + i] = 0x0700 | text.charAt(i);
        cells[159] = 0x07B3;                                                       // a CP437 box line: not ASCII
        for (int i = 0; i < cells.length; i += 8) {
            xp.append(String.format("%016x:", 0xB8000 + 2 * i));
            for (int j = i; j < i + 8; j++) xp.append(String.format(" 0x%04x", cells[j]));
            xp.append('\n');
        }
        List<String> rows = vgaTextRows(xp.toString());
        assertEquals(2, rows.size());
        assertEquals(" ".repeat(80), rows.get(0));
        assertEquals("javelin# ls" + " ".repeat(68) + "?", rows.get(1));
    }

    /** The framebuffer holds text, and the screenshot contains it exactly somewhere (the window's screen area). */
    private static void checkWindowShows(BufferedImage framebuffer, BufferedImage shot) {
        assertNotNull(framebuffer, "screendump wrote a PNG");
        assertNotNull(shot, "import wrote a screenshot");
        int w = framebuffer.getWidth();
        int h = framebuffer.getHeight();
        int[] fb = framebuffer.getRGB(0, 0, w, h, null, 0, w);
        List<Integer> lit = new ArrayList<>();
        for (int i = 0; i < fb.length; i++) if ((fb[i] & 0xFFFFFF) != (fb[0] & 0xFFFFFF)) lit.add(i);
        assertTrue(lit.size() > fb.length / 100, "the guest screen shows text: " + lit.size() + " pixels differ from the background");
        int sw = shot.getWidth();
        int sh = shot.getHeight();
        int[] sc = shot.getRGB(0, 0, sw, sh, null, 0, sw);
        // Probe a spread of text pixels first, then count the whole picture at a candidate offset.
        int[] probes = new int[Math.min(200, lit.size())];
        for (int i = 0; i < probes.length; i++) probes[i] = lit.get((int) ((long) i * lit.size() / probes.length));
        int best = 0;
        for (int oy = 0; oy + h <= sh; oy++) {
            for (int ox = 0; ox + w <= sw; ox++) {
                if (!probesMatch(fb, w, sc, sw, ox, oy, probes)) continue;
                int same = 0;
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        if (((fb[y * w + x] ^ sc[(oy + y) * sw + ox + x]) & 0xFFFFFF) == 0) same++;
                    }
                }
                best = Math.max(best, same);
            }
        }
        assertTrue(best >= MIN_MATCH * w * h, "the window shows the guest's " + w + "x" + h + " screen: best match "
                + best + " of " + (w * h) + " pixels");
    }

    private static boolean probesMatch(int[] fb, int w, int[] sc, int sw, int ox, int oy, int[] probes) {
        int misses = 0;
        for (int p : probes) {
            int x = p % w;
            int y = p / w;
            if (((fb[p] ^ sc[(oy + y) * sw + ox + x]) & 0xFFFFFF) != 0 && ++misses > probes.length / 100) return false;
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------
    // What went wrong with the typed keys

    /** The shell's prompt (test-images/scripts/init sets PS1). */
    static final String PROMPT = "javelin# ";
    /** Linux's VGA text console: 80 columns of character and attribute bytes at 0xB8000. */
    static final int TEXT_COLUMNS = 80;
    static final int TEXT_WINDOW = 0xB8000;
    static final int TEXT_WINDOW_CELLS = 0x8000 / 2;
    /** Kernel lines about the keyboard: atkbd's "Unknown key pressed" and "Use 'setkeycodes'". */
    static final Pattern KEYBOARD_MESSAGE = Pattern.compile("\\[\\s*\\d+\\.\\d+\\] atkbd [^\\r\\n]*");

    /**
     * The failure with what the guest made of the typed line: the kernel's keyboard messages on
     * COM1 since typing began, and the line as the shell on tty1 echoed it (read from VGA text
     * memory through HMP {@code xp}, since the echo goes to the VGA console, not to COM1) with
     * the typed characters that did not come through.
     */
    private AssertionError withTypingDiagnosis(AssertionError failure, String typed, Path com1, int from,
                                               RemoteConsolesIT.QmpClient qmp) {
        String diagnosis;
        try {
            String serial = Files.readString(com1, StandardCharsets.ISO_8859_1);
            String xp = qmp.execute("{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"xp /"
                    + TEXT_WINDOW_CELLS + "hx 0x" + Integer.toHexString(TEXT_WINDOW) + "\"}}").asText();
            diagnosis = typingDiagnosis(typed, serial.substring(Math.min(from, serial.length())), vgaTextRows(xp));
        } catch (Exception | AssertionError e) {
            failure.addSuppressed(e);
            return failure;
        }
        AssertionError described = new AssertionError(diagnosis + "\n" + failure.getMessage(), failure);
        for (Throwable t : failure.getSuppressed()) described.addSuppressed(t);
        return described;
    }

    /** The rows of VGA text memory from an {@code xp /Nhx} dump: character bytes, non-ASCII as '?'. */
    static List<String> vgaTextRows(String xp) {
        StringBuilder text = new StringBuilder();
        for (String line : xp.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) continue;
            for (String cell : line.substring(colon + 1).trim().split("\\s+")) {
                if (!cell.startsWith("0x")) continue;
                int ch = Integer.parseInt(cell.substring(2), 16) & 0xFF;
                text.append(ch >= 0x20 && ch < 0x7F ? (char) ch : '?');
            }
        }
        List<String> rows = new ArrayList<>();
        for (int at = 0; at + TEXT_COLUMNS <= text.length(); at += TEXT_COLUMNS) rows.add(text.substring(at, at + TEXT_COLUMNS));
        return rows;
    }

    /**
     * Compares {@code typed} with its echo on tty1. The echo is the text after a prompt up to the
     * next prompt row (the console wraps long lines, so rows are joined with their trailing
     * blanks dropped), with the kernel's keyboard messages taken out: the kernel prints them on
     * tty1 too, at the cursor, in the middle of the line being typed. Of several prompts (older
     * ones, stale rows after the console rolled over) the echo most like the typed line counts.
     */
    static String typingDiagnosis(String typed, String com1SinceTyping, List<String> screenRows) {
        List<String> messages = new ArrayList<>();
        Matcher m = KEYBOARD_MESSAGE.matcher(com1SinceTyping);
        while (m.find()) messages.add(m.group());
        String echoed = "";
        int best = -1;
        for (int row = 0; row < screenRows.size(); row++) {
            if (!screenRows.get(row).startsWith(PROMPT)) continue;
            StringBuilder joined = new StringBuilder(screenRows.get(row).substring(PROMPT.length()).stripTrailing());
            for (int next = row + 1; next < screenRows.size() && !screenRows.get(next).startsWith(PROMPT); next++) {
                joined.append(screenRows.get(next).stripTrailing());
            }
            String candidate = joined.toString();
            for (String message : messages) candidate = withoutMessage(candidate, message);
            int common = commonSubsequence(typed, candidate).size();
            if (common > best) {
                best = common;
                echoed = candidate;
            }
        }
        List<Integer> kept = commonSubsequence(typed, echoed);
        StringBuilder missing = new StringBuilder();
        for (int i = 0; i < typed.length(); i++) {
            if (kept.contains(i)) continue;
            if (!missing.isEmpty()) missing.append(", ");
            missing.append('\'').append(typed.charAt(i)).append("' at ").append(i);
        }
        StringBuilder out = new StringBuilder("typing diagnosis:\n");
        out.append("  typed:        ").append(typed).append('\n');
        out.append("  tty1 echoed:  ").append(echoed.isEmpty() ? "nothing after a prompt" : echoed).append('\n');
        out.append("  not echoed:   ").append(missing.isEmpty() ? "nothing" : missing).append('\n');
        if (messages.isEmpty()) {
            out.append("  kernel keyboard messages since typing began: none on COM1\n");
        } else {
            out.append("  kernel keyboard messages since typing began (").append(messages.size()).append("):\n");
            for (String message : messages) out.append("    ").append(message).append('\n');
        }
        return out.toString();
    }

    /** {@code text} without {@code message}, where the console may have dropped a blank at a row end. */
    static String withoutMessage(String text, String message) {
        StringBuilder regex = new StringBuilder();
        for (char c : message.strip().toCharArray()) {
            regex.append(Character.isWhitespace(c) ? "\\s*" : Pattern.quote(String.valueOf(c)));
        }
        return Pattern.compile(regex.toString()).matcher(text).replaceAll("");
    }

    /** Indexes into {@code a} of a longest common subsequence of {@code a} and {@code b}. */
    static List<Integer> commonSubsequence(String a, String b) {
        int[][] length = new int[a.length() + 1][b.length() + 1];
        for (int i = a.length() - 1; i >= 0; i--) {
            for (int j = b.length() - 1; j >= 0; j--) {
                length[i][j] = a.charAt(i) == b.charAt(j) ? length[i + 1][j + 1] + 1 : Math.max(length[i + 1][j], length[i][j + 1]);
            }
        }
        List<Integer> kept = new ArrayList<>();
        for (int i = 0, j = 0; i < a.length() && j < b.length(); ) {
            if (a.charAt(i) == b.charAt(j)) {
                kept.add(i);
                i++;
                j++;
            } else if (length[i + 1][j] >= length[i][j + 1]) {
                i++;
            } else {
                j++;
            }
        }
        return kept;
    }

    private Process startEmulator(int display, List<String> args) throws IOException {
        List<String> cmd = JavelinProcess.command();
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
                .redirectOutput(work.resolve("stdout.txt").toFile()).redirectError(work.resolve("stderr.txt").toFile());
        pb.environment().put("ALSOFT_DRIVERS", "null");
        pb.environment().put("DISPLAY", ":" + display);
        pb.environment().remove("WAYLAND_DISPLAY");
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }

    /** Runs an X client on the display and returns its output; a failure or a hang fails the test. */
    private static String x(int display, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("DISPLAY", ":" + display);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(WINDOW_TIMEOUT_SECONDS, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + " failed: " + text);
        return text;
    }

    /** Waits until {@code text} appears in the file at or after {@code from}; returns the index just past it. */
    private int awaitText(Path file, String text, int from, long timeoutSeconds, Process emulator) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        String seen = "";
        while (System.nanoTime() < deadline && emulator.isAlive()) {
            seen = Files.exists(file) ? Files.readString(file, StandardCharsets.ISO_8859_1) : "";
            int at = seen.indexOf(text, from);
            if (at >= 0) return at + text.length();
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));   // poll the serial file
        }
        throw new AssertionError("no '" + text + "' on COM1 within " + timeoutSeconds + " s (emulator "
                + (emulator.isAlive() ? "running" : "exited " + emulator.exitValue()) + "); COM1 ends:\n"
                + seen.substring(Math.max(0, seen.length() - 2000)) + "\nstderr:\n" + stderr());
    }

    private String stderr() {
        try {
            String s = Files.readString(work.resolve("stderr.txt"));
            return s.substring(Math.max(0, s.length() - 2000));
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    private static void awaitFile(Path file, Process owner) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WINDOW_TIMEOUT_SECONDS);
        while (!Files.exists(file)) {
            assertTrue(owner.isAlive(), "Xvfb exited");
            assertTrue(System.nanoTime() < deadline, "no " + file + " within " + WINDOW_TIMEOUT_SECONDS + " s");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    /** An X display number with neither a lock file nor a socket: not in use by another server. */
    private static int freeXDisplay() {
        for (int n = 90; n < 200; n++) {
            if (!Files.exists(Path.of("/tmp/.X" + n + "-lock")) && !Files.exists(Path.of("/tmp/.X11-unix/X" + n))) return n;
        }
        throw new AssertionError("no free X display between :90 and :199");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }
}
