package javelin.ui.chardev;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javelin.machine.CharDevSpec;
import javelin.ui.qmp.Socat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Serial ports on sockets, reached by the real socat and by plain sockets. */
class SocketSerialBackendTest {
    private static final int SOCKET_TIMEOUT_MS = 20_000;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private SocketSerialBackend backend;

    @AfterEach
    void stop() {
        if (backend != null) backend.close();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private SocketSerialBackend open(String spec) {
        backend = new SocketSerialBackend(CharDevSpec.parseSocket("-serial", spec), group).start();
        return backend;
    }

    private static Socket connect(int port) throws Exception {
        Socket s = new Socket("127.0.0.1", port);
        s.setSoTimeout(SOCKET_TIMEOUT_MS);
        return s;
    }

    private static byte[] readN(InputStream in, int n) throws Exception {
        byte[] b = in.readNBytes(n);
        assertEquals(n, b.length, "connection closed early");
        return b;
    }

    @Nested
    class Tcp {
        @Test
        void aCommandRoundTripsThroughSocat() throws Exception {
            EchoShell shell = new EchoShell(open("tcp:127.0.0.1:0,server=on,wait=off"));
            try (Socat s = new Socat("TCP:127.0.0.1:" + backend.port())) {
                assertTrue(backend.awaitClient(Duration.ofSeconds(Socat.TIMEOUT_SECONDS)));
                shell.type("login: root\n");
                assertEquals("login: root", s.line());
                s.send("uname -a\n");
                assertEquals("$ uname -a", s.line());
            }
        }

        @Test
        void outputWithNoClientIsDroppedWithoutBlocking() throws Exception {
            EchoShell shell = new EchoShell(open("tcp:127.0.0.1:0,server=on,wait=off"));
            shell.type("x".repeat(1 << 20));            // would block forever if anything waited
            try (Socket s = connect(backend.port())) {
                assertTrue(backend.awaitClient(Duration.ofSeconds(Socat.TIMEOUT_SECONDS)));
                shell.type("fresh\n");
                assertArrayEquals("fresh\n".getBytes(StandardCharsets.US_ASCII), readN(s.getInputStream(), 6));
            }
        }

        @Test
        void aClientThatNeverReadsDoesNotBlockTheGuest() throws Exception {
            EchoShell shell = new EchoShell(open("tcp:127.0.0.1:0,server=on,wait=off"));
            try (Socket s = connect(backend.port())) {
                s.setReceiveBufferSize(4096);
                assertTrue(backend.awaitClient(Duration.ofSeconds(Socat.TIMEOUT_SECONDS)));
                // 16 MiB: far beyond socket buffers and MAX_PENDING; transmit must keep returning.
                String chunk = "y".repeat(1 << 16);
                for (int i = 0; i < 256; i++) shell.type(chunk);
            }
        }

        @Test
        void aSecondClientIsRefusedWhileTheFirstIsConnected() throws Exception {
            EchoShell shell = new EchoShell(open("tcp:127.0.0.1:0,server=on,wait=off"));
            try (Socket first = connect(backend.port()); Socket second = connect(backend.port())) {
                assertEquals(-1, second.getInputStream().read(), "second connection is closed");
                shell.type("ok\n");
                assertArrayEquals("ok\n".getBytes(StandardCharsets.US_ASCII), readN(first.getInputStream(), 3));
            }
        }

        @Test
        void severalPortsAtOnceStayIndependent() throws Exception {
            EchoShell com1 = new EchoShell(open("tcp:127.0.0.1:0,server=on,wait=off"));
            SocketSerialBackend second = new SocketSerialBackend(
                    CharDevSpec.parseSocket("-serial", "tcp:127.0.0.1:0,server=on,wait=off"), group).start();
            try {
                EchoShell com2 = new EchoShell(second);
                try (Socat a = new Socat("TCP:127.0.0.1:" + backend.port());
                     Socat b = new Socat("TCP:127.0.0.1:" + second.port())) {
                    a.send("one\n");
                    b.send("two\n");
                    assertEquals("$ one", a.line());
                    assertEquals("$ two", b.line());
                    assertTrue(second.awaitClient(Duration.ofSeconds(Socat.TIMEOUT_SECONDS)));
                    com2.type("only on com2\n");
                    com1.type("only on com1\n");
                    assertEquals("only on com2", b.line());
                    assertEquals("only on com1", a.line());
                }
            } finally {
                second.close();
            }
        }

        @Test
        void clientModeConnectsToAListeningPeer() throws Exception {
            try (java.net.ServerSocket peer = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                peer.setSoTimeout(SOCKET_TIMEOUT_MS);
                EchoShell shell = new EchoShell(open("tcp:127.0.0.1:" + peer.getLocalPort()));
                try (Socket s = peer.accept()) {
                    s.setSoTimeout(SOCKET_TIMEOUT_MS);
                    s.getOutputStream().write("pwd\n".getBytes(StandardCharsets.US_ASCII));
                    assertArrayEquals("$ pwd\n".getBytes(StandardCharsets.US_ASCII), readN(s.getInputStream(), 6));
                }
                shell.type("after close\n");
            }
        }
    }

    @Nested
    class TelnetMode {
        @Test
        void negotiatesThenStripsCommandsAndEscapesIac() throws Exception {
            EchoShell shell = new EchoShell(open("tcp:127.0.0.1:0,server=on,wait=off,telnet=on"));
            try (Socket s = connect(backend.port())) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                // IAC WILL ECHO, IAC WILL SGA, IAC WILL BINARY, IAC DO BINARY (RFC 857, 858, 856).
                assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xFB, 1, (byte) 0xFF, (byte) 0xFB, 3,
                        (byte) 0xFF, (byte) 0xFB, 0, (byte) 0xFF, (byte) 0xFD, 0}, readN(in, 12));
                // The client's replies (IAC DO ECHO, IAC SB NAWS ... IAC SE) and CR NUL vanish.
                out.write(new byte[] {(byte) 0xFF, (byte) 0xFD, 1, 'l', (byte) 0xFF, (byte) 0xFA, 31, 0, 80, 0, 24,
                        (byte) 0xFF, (byte) 0xF0, 's', '\r', 0});
                out.flush();
                assertArrayEquals("$ ls\n".getBytes(StandardCharsets.US_ASCII), readN(in, 5));
                backend.transmit(0xFF);
                assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xFF}, readN(in, 2));
            }
        }
    }

    @Nested
    class Unix {
        @Test
        void aCommandRoundTripsOverAUnixSocket(@TempDir Path dir) throws Exception {
            Path sock = dir.resolve("ttyS0.sock");
            EchoShell shell = new EchoShell(open("unix:" + sock + ",server=on,wait=off"));
            try (Socat s = new Socat("UNIX-CONNECT:" + sock)) {
                s.send("echo hi\n");
                assertEquals("$ echo hi", s.line());
                shell.type("bye\n");
                assertEquals("bye", s.line());
            }
        }
    }
}
