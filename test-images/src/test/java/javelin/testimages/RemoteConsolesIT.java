package javelin.testimages;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote front ends against a real guest: the emulator runs as its own process (the app
 * wires {@code -serial tcp:}, {@code -qmp} and {@code -vnc}), the PAE kernel boots directly,
 * and real {@code socat} clients talk to the serial port and to QMP, as a user would. One boot
 * plus one reboot by {@code system_reset}; every wait has a deadline, none sleeps.
 */
class RemoteConsolesIT {
    /** A healthy QMP reply takes milliseconds; this is a backstop for a loaded machine. */
    static final long REPLY_TIMEOUT_SECONDS = 60;
    /** socat reconnects until the emulator listens: at most this many tries, 0.1 s apart. */
    static final int CONNECT_RETRIES = 600;

    @TempDir
    Path work;

    @Test
    void serialQmpAndVncDriveABootedLinuxThroughARebootToQuit() throws Exception {
        String release = LinuxGuest.kernelRelease() + "-pae";
        String marker = "JAVELIN-READY " + release;
        int serialPort = freePort();
        int qmpPort = freePort();
        int vncDisplay = freeVncDisplay();
        Process emulator = start(List.of(
                "-bios", "none", "-kernel", ReferenceImages.image("vmlinuz-686-pae").toString(),
                "-initrd", ReferenceImages.image("initrd.img").toString(), "-append", "console=ttyS0,115200",
                "-m", "256", "-display", "none", "-audio", "none",
                "-serial", "tcp:127.0.0.1:" + serialPort + ",server=on,wait=off",
                "-qmp", "tcp:127.0.0.1:" + qmpPort + ",server=on,wait=off",
                "-vnc", "127.0.0.1:" + vncDisplay));
        try (SocatStream serial = new SocatStream("TCP:127.0.0.1:" + serialPort);
             QmpClient qmp = new QmpClient(new SocatStream("TCP:127.0.0.1:" + qmpPort))) {
            int at = serial.await(marker, 0, LinuxGuest.BOOT_TIMEOUT_SECONDS);
            at = serial.await("javelin# ", at, LinuxGuest.STEP_TIMEOUT_SECONDS);
            serial.send("echo $((6*7))\n");
            at = serial.await("\r\n42\r\n", at, LinuxGuest.STEP_TIMEOUT_SECONDS);

            assertTrue(qmp.greeting().has("QMP"));
            qmp.execute("{\"execute\":\"qmp_capabilities\"}");
            qmp.execute("{\"execute\":\"stop\"}");
            qmp.event("STOP");
            JsonNode status = qmp.execute("{\"execute\":\"query-status\"}");
            assertEquals("paused", status.at("/status").asText());
            assertFalse(status.at("/running").asBoolean());

            // Linux maps low memory at PAGE_OFFSET 0xC0000000 (arch/x86/Kconfig, VMSPLIT_3G),
            // so x through the guest's page tables must show what xp shows at the physical
            // address; page 0 is never mapped (vm.mmap_min_addr).
            String physical = hmp(qmp, "xp /4xw 0x100000");
            String virtual = hmp(qmp, "x /4xw 0xc0100000");
            assertEquals(physical.substring(physical.indexOf(':')), virtual.substring(virtual.indexOf(':')));
            assertTrue(virtual.startsWith("c0100000: 0x"), virtual);
            assertEquals("00000000: Cannot access memory\n", hmp(qmp, "x /4xw 0"));

            Path png = work.resolve("screen.png");
            qmp.execute("{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"" + png + "\",\"format\":\"png\"}}");
            BufferedImage screen = ImageIO.read(png.toFile());
            assertNotNull(screen, "screendump wrote a PNG");
            assertArrayEquals(new int[] {screen.getWidth(), screen.getHeight()}, vncServerInitSize(vncDisplay),
                    "the VNC server and the screendump show the same framebuffer");

            qmp.execute("{\"execute\":\"cont\"}");
            qmp.event("RESUME");
            assertEquals("running", qmp.execute("{\"execute\":\"query-status\"}").at("/status").asText());

            qmp.execute("{\"execute\":\"system_reset\"}");
            qmp.event("RESET");
            serial.await(marker, at, LinuxGuest.BOOT_TIMEOUT_SECONDS);

            qmp.execute("{\"execute\":\"quit\"}");
            assertTrue(emulator.waitFor(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS), "the emulator exits after quit");
            assertEquals(0, emulator.exitValue(), () -> "exit status; stderr:\n" + stderr());
        } finally {
            emulator.destroyForcibly();
        }
    }

    private static String hmp(QmpClient qmp, String line) throws Exception {
        return qmp.execute("{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"" + line + "\"}}")
                .asText();
    }

    /** The emulator as the launcher runs it (as {@link JavelinProcess}), left running. */
    private Process start(List<String> args) throws IOException {
        List<String> cmd = JavelinProcess.command();
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(work.toFile())
                .redirectOutput(work.resolve("stdout.txt").toFile()).redirectError(work.resolve("stderr.txt").toFile());
        pb.environment().put("ALSOFT_DRIVERS", "null");
        Process p = pb.start();
        p.getOutputStream().close();
        return p;
    }

    private String stderr() {
        try {
            return Files.readString(work.resolve("stderr.txt"));
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A display N whose port 5900+N is free now. */
    private static int freeVncDisplay() throws IOException {
        for (int n = 40; n < 100; n++) {
            try (ServerSocket s = new ServerSocket(5900 + n, 1, InetAddress.getLoopbackAddress())) {
                return n;
            } catch (IOException taken) {
                continue;                                    // in use: try the next display
            }
        }
        throw new IOException("no free VNC display between :40 and :99");
    }

    /**
     * Logs in over RFB 3.8 with security type None (RFC 6143 7.1, 7.2, 7.3) and returns the
     * framebuffer size of ServerInit.
     */
    private static int[] vncServerInitSize(int display) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), 5900 + display), 10_000);
            s.setSoTimeout((int) TimeUnit.SECONDS.toMillis(REPLY_TIMEOUT_SECONDS));
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            byte[] version = new byte[12];
            in.readFully(version);
            assertEquals("RFB 003.008\n", new String(version, StandardCharsets.US_ASCII));
            out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            byte[] types = new byte[in.readUnsignedByte()];
            in.readFully(types);
            assertTrue(new String(types, StandardCharsets.ISO_8859_1).indexOf(1) >= 0, "security type None offered");
            out.write(1);
            assertEquals(0, in.readInt(), "SecurityResult OK");
            out.write(1);                                    // ClientInit: shared
            return new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
        }
    }

    /** {@code socat STDIO <address>}: a byte stream the test reads with deadlines and writes to. */
    static final class SocatStream implements AutoCloseable {
        private final Process process;
        private final StringBuilder received = new StringBuilder();   // guarded by itself
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        SocatStream(String address) throws IOException {
            process = new ProcessBuilder("socat", "-t", "1", "STDIO",
                    address + ",retry=" + CONNECT_RETRIES + ",interval=0.1")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            Thread.ofPlatform().daemon().name("socat-" + address).start(this::read);
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.ISO_8859_1))) {
                StringBuilder line = new StringBuilder();
                int c;
                while ((c = r.read()) >= 0) {
                    synchronized (received) {
                        received.append((char) c);
                        received.notifyAll();
                    }
                    if (c == '\n') {
                        lines.add(line.toString());
                        line.setLength(0);
                    } else {
                        line.append((char) c);
                    }
                }
            } catch (IOException e) {
                lines.add("<io error " + e + ">");
            }
        }

        void send(String text) throws IOException {
            OutputStream in = process.getOutputStream();
            in.write(text.getBytes(StandardCharsets.ISO_8859_1));
            in.flush();
        }

        /** Waits until {@code text} appears at or after {@code from}; returns the index just past it. */
        int await(String text, int from, long timeoutSeconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            synchronized (received) {
                while (true) {
                    int at = received.indexOf(text, from);
                    if (at >= 0) return at + text.length();
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        throw new AssertionError("no '" + text + "' within " + timeoutSeconds + " s; last output:\n"
                                + received.substring(Math.max(0, received.length() - 3000)));
                    }
                    TimeUnit.NANOSECONDS.timedWait(received, left);
                }
            }
        }

        /** The next complete line, or an AssertionError after the timeout. */
        String line(long timeoutSeconds) throws InterruptedException {
            String l = lines.poll(timeoutSeconds, TimeUnit.SECONDS);
            if (l == null) throw new AssertionError("no line within " + timeoutSeconds + " s");
            return l;
        }

        @Override public void close() throws IOException {
            process.getOutputStream().close();
            try {
                if (!process.waitFor(REPLY_TIMEOUT_SECONDS, TimeUnit.SECONDS)) process.destroyForcibly();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** QMP over a socat stream: one JSON object per line; events are kept for {@link #event}. */
    static final class QmpClient implements AutoCloseable {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final SocatStream stream;
        private final List<String> events = new ArrayList<>();

        QmpClient(SocatStream stream) {
            this.stream = stream;
        }

        JsonNode greeting() throws Exception {
            return next();
        }

        /** Sends a command and returns its {@code return} value; an {@code error} fails the test. */
        JsonNode execute(String command) throws Exception {
            stream.send(command + "\n");
            while (true) {
                JsonNode reply = next();
                if (reply.has("event")) {
                    events.add(reply.get("event").asText());
                } else {
                    assertFalse(reply.has("error"), () -> command + " -> " + reply);
                    return reply.get("return");
                }
            }
        }

        /** Waits for an event of that name (or finds it already received). */
        void event(String name) throws Exception {
            while (!events.remove(name)) {
                JsonNode reply = next();
                assertTrue(reply.has("event"), () -> "expected event " + name + ", got " + reply);
                events.add(reply.get("event").asText());
            }
        }

        private JsonNode next() throws Exception {
            return JSON.readTree(stream.line(REPLY_TIMEOUT_SECONDS));
        }

        @Override public void close() throws IOException {
            stream.close();
        }
    }
}
