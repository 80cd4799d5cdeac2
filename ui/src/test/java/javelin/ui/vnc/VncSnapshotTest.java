package javelin.ui.vnc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javelin.ui.qmp.FakeMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code vncsnapshot} (Debian; a TightVNC 1.2.8 / RealVNC 3.3.7 client speaking RFB 3.3)
 * connects over loopback and saves the screen. Its output is JPEG, so the screen is made of flat
 * 32x32 blocks and each block's centre is compared within a small tolerance.
 */
class VncSnapshotTest {
    private static final long TIMEOUT_SECONDS = 60;
    /** JPEG at quality 100 keeps flat areas within a few levels; 12 leaves room for chroma rounding. */
    private static final int TOLERANCE = 12;
    private static final int BLOCK = 32;
    /** "password" as vncpasswd stores it: DES under the fixed obfuscation key (verified with openssl). */
    private static final String PASSWD_FILE_PASSWORD = "dbd83cfd727a1458";

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final FakeMachine machine = new FakeMachine(320, 192);
    private VncServer server;

    @BeforeEach
    void paint() {
        int[] colours = {0xC02020, 0x20C020, 0x2020C0, 0xE0E040, 0x40E0E0, 0xFFFFFF, 0x000000, 0x808080};
        machine.paint((x, y) -> colours[(x / BLOCK + 3 * (y / BLOCK)) % colours.length]);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private BufferedImage snapshot(Path dir, List<String> extra) throws Exception {
        Path out = dir.resolve("shot.jpg");
        List<String> cmd = new java.util.ArrayList<>(List.of("timeout", Long.toString(TIMEOUT_SECONDS), "vncsnapshot",
                "-quiet", "-quality", "100", "-nocursor"));
        cmd.addAll(extra);
        // vncsnapshot only takes a display number, port 5900 + N; kernel-chosen ports are above 5900.
        cmd.addAll(List.of("127.0.0.1:" + (server.port() - VncOptions.BASE_PORT), out.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(dir.resolve("log.txt").toFile()).start();
        assertTrue(p.waitFor(TIMEOUT_SECONDS + 10, TimeUnit.SECONDS), "vncsnapshot finished");
        assertEquals(0, p.exitValue(), () -> "vncsnapshot failed: " + read(dir.resolve("log.txt")));
        return ImageIO.read(out.toFile());
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private void assertMatchesFramebuffer(BufferedImage img) {
        assertEquals(320, img.getWidth());
        assertEquals(192, img.getHeight());
        for (int by = 0; by < 192; by += BLOCK) {
            for (int bx = 0; bx < 320; bx += BLOCK) {
                int x = bx + BLOCK / 2;
                int y = by + BLOCK / 2;
                int want = machine.framebuffer().pixel(x, y);
                int got = img.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    int d = Math.abs(((want >> shift) & 0xFF) - ((got >> shift) & 0xFF));
                    assertTrue(d <= TOLERANCE, String.format("block at %d,%d: want %06x got %06x", bx, by, want & 0xFFFFFF, got & 0xFFFFFF));
                }
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"raw", "hextile"})
    void snapshotEqualsTheFramebuffer(String encoding, @TempDir Path dir) throws Exception {
        server = new VncServer(machine, group, VncOptions.loopback(0), new SecureRandom()).start();
        assertMatchesFramebuffer(snapshot(dir, List.of("-encodings", encoding)));
    }

    @Test
    void snapshotWithVncAuthentication(@TempDir Path dir) throws Exception {
        server = new VncServer(machine, group, VncOptions.loopback(0).withPassword(), new SecureRandom()).start();
        server.setPassword("password");
        Path passwd = dir.resolve("passwd");
        Files.write(passwd, HexFormat.of().parseHex(PASSWD_FILE_PASSWORD));
        assertMatchesFramebuffer(snapshot(dir, List.of("-encodings", "hextile", "-passwd", passwd.toString())));
    }
}
