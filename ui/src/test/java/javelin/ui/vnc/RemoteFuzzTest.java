package javelin.ui.vnc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javelin.machine.CharDevSpec;
import javelin.ui.qmp.FakeMachine;
import javelin.ui.qmp.QmpServer;
import javelin.ui.qmp.Socat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Random and truncated RFB and QMP traffic over real sockets (seeded, so a failure reproduces);
 * afterwards a well-behaved client must still be served. The servers may close a fuzzing
 * connection at any point; they must not fail, hang, or disturb the next client.
 */
class RemoteFuzzTest {
    private static final long SEED = 0x4A_56_4C_4EL;      // "JVLN"
    private static final int CONNECTIONS = 150;
    private static final int SOCKET_TIMEOUT_MS = 20_000;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final FakeMachine machine = new FakeMachine(100, 60);
    private final Random random = new Random(SEED);

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private byte[] noise(int max) {
        byte[] b = new byte[random.nextInt(max) + 1];
        random.nextBytes(b);
        return b;
    }

    /** Valid RFB client messages, one of which a fuzz connection sends whole, truncated or corrupted. */
    private byte[] rfbMessage() {
        return switch (random.nextInt(8)) {
            case 0 -> new byte[] {0, 0, 0, 0, 32, 24, 0, 1, 0, (byte) 255, 0, (byte) 255, 0, (byte) 255, 16, 8, 0, 0, 0, 0};
            case 1 -> new byte[] {2, 0, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 5};                    // claims 65535 encodings
            case 2 -> new byte[] {3, 0, 0x7F, (byte) 0xFF, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
            case 3 -> new byte[] {4, 1, 0, 0, 0, 0, (byte) 0xFF, 0x0D};
            case 4 -> new byte[] {5, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
            case 5 -> new byte[] {6, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF};
            case 6 -> new byte[] {(byte) 255, (byte) random.nextInt(4), 0, 1, 0, 0, 0, 0x61, 0, 0, 0, 0x1E};
            default -> noise(64);
        };
    }

    private void rfbFuzzConnection(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(SOCKET_TIMEOUT_MS);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            int stage = random.nextInt(3);
            if (stage == 0) {
                out.write(noise(40));                                   // not even a version string
            } else {
                out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
                out.write(1);                                           // security None
                // Shared: an exclusive fuzz client still being read would rightly disconnect the
                // well-behaved client that follows (the sharing policy has its own test).
                out.write(1);
                if (stage == 2) {
                    for (int i = 0; i < 10; i++) {
                        byte[] m = rfbMessage();
                        int cut = random.nextInt(4) == 0 ? random.nextInt(m.length) : m.length;
                        if (random.nextInt(5) == 0 && cut > 1) m[random.nextInt(cut)] ^= (byte) (1 << random.nextInt(8));
                        out.write(m, 0, cut);
                    }
                }
            }
            out.flush();
        } catch (IOException e) {
            // The server may have closed first: a reset while writing is an acceptable outcome.
        }
    }

    /** A correct RFB 3.8 client: handshake, full Raw update, compare one pixel. */
    private void wellBehavedRfbClient(int port) throws IOException {
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(SOCKET_TIMEOUT_MS);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            assertEquals("RFB 003.008\n", new String(in.readNBytes(12), StandardCharsets.US_ASCII));
            out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            assertEquals(1, in.readUnsignedByte());
            assertEquals(1, in.readUnsignedByte());
            out.write(1);
            assertEquals(0, in.readInt());
            out.write(1);
            int w = in.readUnsignedShort();
            int h = in.readUnsignedShort();
            in.readNBytes(16);
            in.readNBytes(in.readInt());
            out.write(new byte[] {3, 0, 0, 0, 0, 0, 0, (byte) w, 0, (byte) h});
            out.flush();
            assertEquals(0, in.readUnsignedByte());
            in.readUnsignedByte();
            assertEquals(1, in.readUnsignedShort());
            in.readNBytes(8);
            assertEquals(Encoding.RAW, in.readInt());
            byte[] px = in.readNBytes(w * h * 4);
            int p = (px[2] & 0xFF) << 16 | (px[1] & 0xFF) << 8 | (px[0] & 0xFF);
            assertEquals(machine.framebuffer().pixel(0, 0) & 0xFFFFFF, p);
        }
    }

    @Test
    void vncServerSurvivesRandomAndTruncatedMessages() throws Exception {
        machine.paint((x, y) -> 0x123456 + x + y);
        try (VncServer server = new VncServer(machine, group, VncOptions.loopback(0), new SecureRandom()).start()) {
            for (int i = 0; i < CONNECTIONS; i++) rfbFuzzConnection(server.port());
            wellBehavedRfbClient(server.port());
        }
    }

    private byte[] qmpMessage() {
        String[] valid = {
            "{\"execute\":\"qmp_capabilities\"}", "{\"execute\":\"query-status\",\"id\":1}",
            "{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"xp /4xb 0\"}}",
            "{\"execute\":\"send-key\",\"arguments\":{\"keys\":[{\"type\":\"qcode\",\"data\":\"a\"}]}}",
            "{\"execute\":\"input-send-event\",\"arguments\":{\"events\":[{\"type\":\"rel\",\"data\":{\"axis\":\"x\",\"value\":1}}]}}",
        };
        byte[] m = switch (random.nextInt(4)) {
            case 0 -> noise(200);
            case 1 -> "[".repeat(random.nextInt(5000)).getBytes(StandardCharsets.US_ASCII);
            default -> valid[random.nextInt(valid.length)].getBytes(StandardCharsets.US_ASCII);
        };
        int cut = random.nextInt(3) == 0 ? random.nextInt(m.length + 1) : m.length;
        if (random.nextInt(4) == 0 && cut > 0) m[random.nextInt(cut)] = (byte) random.nextInt(256);
        return java.util.Arrays.copyOf(m, cut);
    }

    @Test
    void qmpServerSurvivesRandomAndTruncatedMessages() throws Exception {
        QmpServer server = new QmpServer(machine, null, group, CharDevSpec.parseSocket("-qmp", "tcp::0,server=on,wait=off"),
                Clock.systemUTC()).start();
        try {
            for (int i = 0; i < CONNECTIONS; i++) {
                try (Socket s = new Socket("127.0.0.1", server.port())) {
                    for (int k = 0; k < 5; k++) s.getOutputStream().write(qmpMessage());
                } catch (IOException e) {
                    // a reset from the server side while writing is acceptable
                }
            }
            try (Socat s = new Socat("TCP:127.0.0.1:" + server.port())) {
                assertTrue(s.line().contains("\"QMP\""));
                s.send("{\"execute\":\"qmp_capabilities\"}\n");
                assertEquals("{\"return\":{}}", s.line());
                s.send("{\"execute\":\"query-status\"}\n");
                assertTrue(s.line().contains("\"status\""));
            }
        } finally {
            server.close();
        }
    }
}
