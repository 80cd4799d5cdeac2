package javelin.ui.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javelin.machine.CharDevSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A QMP session driven by the real {@code socat} over TCP and unix sockets on this host. */
class QmpServerSocatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final FakeMachine machine = new FakeMachine(320, 200);
    private QmpServer server;

    @BeforeEach
    void paint() {
        machine.paint((x, y) -> (x & 0xFF) << 16 | (y & 0xFF) << 8 | (x ^ y) & 0xFF);
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private static JsonNode json(String line) throws Exception {
        return JSON.readTree(line);
    }

    /** The scenario: stop, query-status shows paused, cont, screendump, system_reset. */
    private void session(Socat s, Path dir) throws Exception {
        assertTrue(json(s.line()).has("QMP"));
        s.send("{\"execute\":\"qmp_capabilities\"}\n");
        assertEquals("{}", json(s.line()).get("return").toString());
        s.send("{\"execute\":\"stop\"}\n");
        assertEquals("STOP", json(s.lineContaining("\"event\"")).get("event").asText());
        s.lineContaining("\"return\"");
        s.send("{\"execute\":\"query-status\"}\n");
        assertEquals("paused", json(s.lineContaining("\"return\"")).at("/return/status").asText());
        s.send("{\"execute\":\"cont\"}\n");
        assertEquals("RESUME", json(s.lineContaining("\"event\"")).get("event").asText());
        s.lineContaining("\"return\"");
        Path png = dir.resolve("dump.png");
        s.send("{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"" + png + "\",\"format\":\"png\"}}\n");
        assertEquals("{}", json(s.lineContaining("\"return\"")).get("return").toString());
        BufferedImage img = ImageIO.read(png.toFile());
        int[] expected = machine.framebuffer().copyPixels();
        for (int y = 0; y < 200; y++) {
            for (int x = 0; x < 320; x++) assertEquals(expected[y * 320 + x], img.getRGB(x, y), "pixel " + x + "," + y);
        }
        s.send("{\"execute\":\"system_reset\"}\n");
        assertEquals("RESET", json(s.lineContaining("\"event\"")).get("event").asText());
        s.send("not json at all\n");
        assertEquals("GenericError", json(s.lineContaining("\"error\"")).at("/error/class").asText());
        s.send("{\"execute\":\"query-status\",\"id\":42}\n");
        assertEquals(42, json(s.lineContaining("\"id\"")).get("id").asInt());
    }

    @Nested
    class Tcp {
        @Test
        void socatDrivesStopContScreendumpAndReset(@TempDir Path dir) throws Exception {
            server = new QmpServer(machine, null, group, CharDevSpec.parseSocket("-qmp", "tcp:127.0.0.1:0,server=on,wait=off"),
                    Clock.systemUTC()).start();
            try (Socat s = new Socat("TCP:127.0.0.1:" + server.port())) {
                session(s, dir);
            }
            assertEquals(java.util.List.of("pause", "resume", "reset"), machine.actions);
        }

        @Test
        void twoClientsBothReceiveEvents(@TempDir Path dir) throws Exception {
            server = new QmpServer(machine, null, group, CharDevSpec.parseSocket("-qmp", "tcp::0,server=on,wait=off"),
                    Clock.systemUTC()).start();
            try (Socat a = new Socat("TCP:127.0.0.1:" + server.port());
                 Socat b = new Socat("TCP:127.0.0.1:" + server.port())) {
                for (Socat s : new Socat[] {a, b}) {
                    s.line();
                    s.send("{\"execute\":\"qmp_capabilities\"}\n");
                    s.line();
                }
                a.send("{\"execute\":\"system_powerdown\"}\n");
                assertEquals("POWERDOWN", json(b.lineContaining("\"event\"")).get("event").asText());
            }
        }
    }

    @Nested
    class Unix {
        @Test
        void socatDrivesTheSameSessionOverAUnixSocket(@TempDir Path dir) throws Exception {
            Path sock = dir.resolve("qmp.sock");
            server = new QmpServer(machine, null, group, CharDevSpec.parseSocket("-qmp", "unix:" + sock + ",server=on,wait=off"),
                    Clock.systemUTC()).start();
            try (Socat s = new Socat("UNIX-CONNECT:" + sock)) {
                session(s, dir);
            }
        }
    }
}
