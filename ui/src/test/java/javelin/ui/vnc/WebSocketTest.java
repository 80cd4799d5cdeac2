package javelin.ui.vnc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javelin.ui.qmp.FakeMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RFB over the WebSocket listener, driven by the JDK's own WebSocket client (RFC 6455) the way
 * noVNC uses it: binary messages, no subprotocol, any path.
 */
class WebSocketTest {
    private static final long TIMEOUT_SECONDS = 20;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final FakeMachine machine = new FakeMachine(64, 32);

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    /** Collects binary messages into one byte stream. */
    private static final class Stream implements WebSocket.Listener {
        final BlockingQueue<Byte> bytes = new LinkedBlockingQueue<>();

        @Override public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            while (data.hasRemaining()) bytes.add(data.get());
            ws.request(1);
            return null;
        }

        ByteBuffer read(int n) throws InterruptedException {
            ByteBuffer b = ByteBuffer.allocate(n);
            for (int i = 0; i < n; i++) {
                Byte v = bytes.poll(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                assertNotNull(v, "server sent fewer bytes than the protocol requires");
                b.put(v);
            }
            return b.flip();
        }
    }

    @Test
    void handshakeAndRawUpdateOverBinaryFrames() throws Exception {
        machine.paint((x, y) -> 0x102030 + (x << 16));
        try (VncServer server = new VncServer(machine, group, VncOptions.loopback(0).withWebsocket(0), new SecureRandom()).start();
             HttpClient http = HttpClient.newHttpClient()) {
            Stream s = new Stream();
            WebSocket ws = http.newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + server.websocketPort() + "/websockify"), s)
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            assertEquals("RFB 003.008\n", StandardCharsets.US_ASCII.decode(s.read(12)).toString());
            ws.sendBinary(ByteBuffer.wrap("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII)), true).join();
            assertEquals(1, s.read(1).get());
            assertEquals(1, s.read(1).get());
            ws.sendBinary(ByteBuffer.wrap(new byte[] {1}), true).join();
            assertEquals(0, s.read(4).getInt());
            ws.sendBinary(ByteBuffer.wrap(new byte[] {1}), true).join();
            ByteBuffer init = s.read(4 + 16 + 4);
            assertEquals(64, init.getShort(0));
            s.read(init.getInt(20));
            ws.sendBinary(ByteBuffer.wrap(new byte[] {3, 0, 0, 0, 0, 0, 0, 64, 0, 32}), true).join();
            ByteBuffer head = s.read(4 + 12);
            assertEquals(1, head.getShort(2));
            ByteBuffer px = s.read(64 * 32 * 4).order(ByteOrder.LITTLE_ENDIAN);
            assertEquals(machine.framebuffer().pixel(5, 7) & 0xFFFFFF, px.getInt((7 * 64 + 5) * 4));
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
        }
    }
}
