package javelin.ui.vnc;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javelin.ui.qmp.FakeMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TigerVNC's {@code xtigervncviewer} (Debian {@code tigervnc-viewer}) under Xvfb logs in with a
 * password file and gets the screen: the server must have sent it a framebuffer update, which it
 * only does after a successful VNC Authentication and ClientInit.
 */
class TigerVncViewerTest {
    private static final long TIMEOUT_SECONDS = 60;
    /** "password" as vncpasswd stores it (DES under the fixed obfuscation key; computed with openssl). */
    private static final String PASSWD_FILE_PASSWORD = "dbd83cfd727a1458";

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private Process xvfb;
    private Process viewer;

    @AfterEach
    void stop() throws Exception {
        for (Process p : new Process[] {viewer, xvfb}) {
            if (p == null) continue;
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) p.destroyForcibly().waitFor();
        }
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    @Test
    void viewerLogsInWithAPasswordAndReceivesTheScreen(@TempDir Path dir) throws Exception {
        FakeMachine machine = new FakeMachine(320, 200);
        machine.paint((x, y) -> x << 16 | y);
        // -displayfd: Xvfb picks a free display and prints its number, so parallel runs never clash.
        xvfb = new ProcessBuilder(List.of("Xvfb", "-displayfd", "1", "-screen", "0", "640x480x24", "-nolisten", "tcp"))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String display = new BufferedReader(new InputStreamReader(xvfb.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        assertTrue(display != null && display.matches("\\d+"), "Xvfb reported its display: " + display);
        Path passwd = dir.resolve("passwd");
        Files.write(passwd, HexFormat.of().parseHex(PASSWD_FILE_PASSWORD));
        try (VncServer server = new VncServer(machine, group, VncOptions.loopback(0).withPassword(), new SecureRandom()).start()) {
            server.setPassword("password");
            ProcessBuilder pb = new ProcessBuilder(List.of("xtigervncviewer", "-SecurityTypes", "VncAuth",
                    "-passwd", passwd.toString(), "127.0.0.1::" + server.port()));
            pb.environment().put("DISPLAY", ":" + display);
            pb.environment().put("HOME", dir.toString());
            viewer = pb.redirectErrorStream(true).redirectOutput(dir.resolve("viewer.log").toFile()).start();
            try {
                server.firstUpdate().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("TigerVNC got no update; its log:\n" + Files.readString(dir.resolve("viewer.log")), e);
            }
        }
    }
}
