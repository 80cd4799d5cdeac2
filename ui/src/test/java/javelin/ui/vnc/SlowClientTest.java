package javelin.ui.vnc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import javelin.ui.qmp.FakeMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * [VNC-1]/[VNC-2]: a client that stops reading never slows the guest and never accumulates a
 * queue of frames; when it reads again it gets the latest frame.
 */
class SlowClientTest {
    private static final int W = 1024;
    private static final int H = 768;
    private static final int FRAMES = 60;
    private static final int SOCKET_TIMEOUT_MS = 30_000;
    /** Kernel send buffers on loopback may absorb a couple of 3 MiB frames; a backlog would be all 60. */
    private static final int MAX_UPDATES_IN_FLIGHT = 8;

    /** One thread: a task submitted to it runs after every wake-up the frames queued before it. */
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private static int colour(int frame) {
        return 0x010203 * (frame + 1) & 0xFFFFFF | 0x404040;
    }

    @Test
    void aClientThatStopsReadingGetsTheLatestFrameAndNoBacklog() throws Exception {
        FakeMachine machine = new FakeMachine(W, H);
        try (VncServer server = new VncServer(machine, group, VncOptions.loopback(0), new SecureRandom()).start();
             Socket s = new Socket()) {
            s.setReceiveBufferSize(64 * 1024);
            s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()));
            s.setSoTimeout(SOCKET_TIMEOUT_MS);
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            in.readNBytes(12);
            out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            in.readNBytes(2);
            out.write(1);
            in.readInt();
            out.write(1);
            in.readNBytes(4 + 16);
            in.readNBytes(in.readInt());
            byte[] request = {3, 1, 0, 0, 0, 0, (byte) (W >> 8), (byte) W, (byte) (H >> 8), (byte) H};
            // A pipelining client: many requests outstanding, then it stops reading.
            for (int i = 0; i < FRAMES; i++) out.write(request);
            out.flush();
            for (int f = 0; f < FRAMES; f++) {
                int c = colour(f);
                machine.paint((x, y) -> c);          // returns: the guest is never held up
            }
            group.next().submit(() -> { }).get(SOCKET_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            long sent = server.updatesSent();
            // Each full-screen Raw update is 3 MiB, beyond the 1 MiB water mark: once the kernel's
            // socket buffers (a few MiB at most) are full the channel stays unwritable, so frames
            // are dropped rather than queued (queuing all would be 180 MiB).
            assertTrue(sent <= MAX_UPDATES_IN_FLIGHT, "updates queued for a client that is not reading: " + sent);
            // Now read: updates arrive until one shows the last frame, which must come.
            int last = -1;
            int received = 0;
            while (last != colour(FRAMES - 1)) {
                assertEquals(0, in.readUnsignedByte());
                in.readUnsignedByte();
                int rects = in.readUnsignedShort();
                for (int r = 0; r < rects; r++) {
                    int x = in.readUnsignedShort();
                    int y = in.readUnsignedShort();
                    int w = in.readUnsignedShort();
                    int h = in.readUnsignedShort();
                    assertEquals(Encoding.RAW, in.readInt());
                    byte[] px = in.readNBytes(w * h * 4);
                    assertEquals(w * h * 4, px.length);
                    last = (px[2] & 0xFF) << 16 | (px[1] & 0xFF) << 8 | px[0] & 0xFF;
                    assertTrue(x >= 0 && y >= 0);
                }
                received++;
                out.write(request);
                out.flush();
            }
            assertTrue(received < FRAMES, "frames were dropped, not all " + FRAMES + " sent: " + received);
        }
    }
}
