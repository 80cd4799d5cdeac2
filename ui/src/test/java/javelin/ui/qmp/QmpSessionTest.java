package javelin.ui.qmp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javelin.devices.input.KeyCode;
import javelin.machine.CharDevSpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The QMP wire protocol against QEMU's qmp-spec, driven through an embedded channel. */
class QmpSessionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05.123456Z");

    private FakeMachine machine;
    private EmbeddedChannel ch;
    private String vncPassword;
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @BeforeEach
    void open() {
        machine = new FakeMachine(64, 48);
        VncMonitor vnc = new VncMonitor() {
            @Override public Map<String, Object> queryVnc() {
                return Map.of("enabled", true, "auth", "vnc");
            }

            @Override public void setPassword(String password) {
                vncPassword = password;
            }
        };
        QmpServer server = new QmpServer(machine, vnc, group,
                CharDevSpec.parseSocket("-qmp", "tcp:127.0.0.1:0,server=on,wait=off"), Clock.fixed(NOW, ZoneOffset.UTC));
        ch = new EmbeddedChannel(new QmpSession(server));
        // The event hook start() would install; the embedded channel stands in for the socket.
        machine.addEventListener(e -> ch.pipeline().get(QmpSession.class).sendEvent(ch, e.name()));
    }

    @AfterEach
    void close() {
        ch.finishAndReleaseAll();
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private void send(String text) {
        ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
        ch.runPendingTasks();
    }

    private JsonNode next() throws Exception {
        ByteBuf b = ch.readOutbound();
        if (b == null) return null;
        try {
            String s = b.toString(StandardCharsets.UTF_8);
            assertTrue(s.endsWith("\r\n"), "every message ends its line: " + s);
            return JSON.readTree(s);
        } finally {
            b.release();
        }
    }

    private JsonNode exec(String json) throws Exception {
        send(json);
        return next();
    }

    private void negotiate() throws Exception {
        next();
        assertEquals("{}", exec("{\"execute\":\"qmp_capabilities\"}").get("return").toString());
    }

    @Nested
    class Negotiation {
        @Test
        void greetingCarriesVersionAndCapabilities() throws Exception {
            JsonNode g = next().get("QMP");
            assertEquals(QmpSession.QEMU_MAJOR, g.at("/version/qemu/major").asInt());
            assertTrue(g.at("/version/qemu/minor").isInt());
            assertTrue(g.at("/version/qemu/micro").isInt());
            assertTrue(g.at("/version/package").isTextual());
            assertTrue(g.get("capabilities").isArray());
        }

        @Test
        void commandsBeforeCapabilitiesAreRefusedAsCommandNotFound() throws Exception {
            next();
            JsonNode r = exec("{\"execute\":\"query-status\"}");
            assertEquals("CommandNotFound", r.at("/error/class").asText());
            assertEquals("Expecting capabilities negotiation with 'qmp_capabilities'", r.at("/error/desc").asText());
            assertTrue(machine.actions.isEmpty());
        }

        @Test
        void secondNegotiationIsRefused() throws Exception {
            negotiate();
            assertEquals("CommandNotFound", exec("{\"execute\":\"qmp_capabilities\"}").at("/error/class").asText());
        }

        @Test
        void eventsAreHeldBackUntilNegotiated() throws Exception {
            next();
            machine.pause();
            assertNull(next());
        }
    }

    @Nested
    class Errors {
        @Test
        void malformedJsonGetsAnErrorAndTheSessionGoesOn() throws Exception {
            negotiate();
            JsonNode r = exec("{\"execute\": \"query-status\",, }\n");
            assertEquals("GenericError", r.at("/error/class").asText());
            assertTrue(r.at("/error/desc").asText().startsWith("JSON parse error"));
            assertEquals("running", exec("{\"execute\":\"query-status\"}").at("/return/status").asText());
        }

        @Test
        void strayTextAndClosingBracesAreErrorsNotDisconnects() throws Exception {
            negotiate();
            assertEquals("GenericError", exec("hello\n").at("/error/class").asText());
            assertEquals("GenericError", exec("}").at("/error/class").asText());
            assertEquals("QMP input must be a JSON object", exec("[1, 2]").at("/error/desc").asText());
            assertTrue(ch.isActive());
        }

        @Test
        void unknownCommandIsCommandNotFoundAndEchoesId() throws Exception {
            negotiate();
            JsonNode r = exec("{\"execute\":\"frobnicate\",\"id\":{\"n\":7}}");
            assertEquals("CommandNotFound", r.at("/error/class").asText());
            assertEquals("The command frobnicate has not been found", r.at("/error/desc").asText());
            assertEquals(7, r.at("/id/n").asInt());
        }

        @Test
        void missingAndUnexpectedArgumentsAreNamed() throws Exception {
            negotiate();
            assertEquals("Parameter 'filename' is missing", exec("{\"execute\":\"screendump\"}").at("/error/desc").asText());
            assertEquals("Parameter 'bogus' is unexpected",
                    exec("{\"execute\":\"stop\",\"arguments\":{\"bogus\":1}}").at("/error/desc").asText());
            assertEquals("QMP input lacks member 'execute'", exec("{\"id\":1}").at("/error/desc").asText());
        }

        @Test
        void unknownBlockDeviceIsDeviceNotFound() throws Exception {
            negotiate();
            JsonNode r = exec("{\"execute\":\"eject\",\"arguments\":{\"device\":\"floppy9\"}}");
            assertEquals("DeviceNotFound", r.at("/error/class").asText());
        }

        @Test
        void splitAcrossPacketsStillParses() throws Exception {
            negotiate();
            send("{\"execute\":\"query-st");
            assertNull(next());
            assertEquals("running", exec("atus\", \"id\": \"a{b\"}").at("/return/status").asText());
        }
    }

    @Nested
    class RunState {
        @Test
        void stopReportsPausedAndEmitsStopThenContResumes() throws Exception {
            negotiate();
            send("{\"execute\":\"stop\",\"id\":1}");
            JsonNode event = next();
            assertEquals("STOP", event.get("event").asText());
            assertEquals(NOW.getEpochSecond(), event.at("/timestamp/seconds").asLong());
            assertEquals(123456, event.at("/timestamp/microseconds").asInt());
            assertEquals(1, next().get("id").asInt());
            JsonNode st = exec("{\"execute\":\"query-status\"}").get("return");
            assertEquals("paused", st.get("status").asText());
            assertFalse(st.get("running").asBoolean());
            send("{\"execute\":\"cont\"}");
            assertEquals("RESUME", next().get("event").asText());
            assertEquals("{}", next().get("return").toString());
            assertTrue(exec("{\"execute\":\"query-status\"}").at("/return/running").asBoolean());
        }

        @Test
        void resetPowerdownAndQuitReachTheMachine() throws Exception {
            negotiate();
            send("{\"execute\":\"system_reset\"}");
            assertEquals("RESET", next().get("event").asText());
            next();
            send("{\"execute\":\"system_powerdown\"}");
            assertEquals("POWERDOWN", next().get("event").asText());
            next();
            assertEquals("{}", exec("{\"execute\":\"quit\"}").get("return").toString());
            assertTrue(machine.quitCalled.await(20, TimeUnit.SECONDS), "quit reached the machine");
            assertEquals(java.util.List.of("reset", "powerdown", "quit"), machine.actions);
        }
    }

    @Nested
    class Queries {
        @Test
        void cpusFastListsEveryCpu() throws Exception {
            negotiate();
            JsonNode r = exec("{\"execute\":\"query-cpus-fast\"}").get("return");
            assertEquals(2, r.size());
            assertEquals(1, r.get(1).get("cpu-index").asInt());
        }

        @Test
        void blockListsDevicesAndEjectAndChangeReachTheMachine() throws Exception {
            negotiate();
            JsonNode r = exec("{\"execute\":\"query-block\"}").get("return");
            assertEquals("ide1-cd0", r.get(1).get("device").asText());
            assertTrue(r.get(1).get("removable").asBoolean());
            assertEquals("/images/debian.iso", r.get(1).at("/inserted/file").asText());
            exec("{\"execute\":\"eject\",\"arguments\":{\"device\":\"ide1-cd0\"}}");
            exec("{\"execute\":\"blockdev-change-medium\",\"arguments\":{\"device\":\"ide1-cd0\",\"filename\":\"/x.iso\"}}");
            assertEquals(java.util.List.of("eject ide1-cd0", "change ide1-cd0 /x.iso"), machine.actions);
        }

        @Test
        void vncQueryAndPasswordGoToTheVncServer() throws Exception {
            negotiate();
            assertEquals("vnc", exec("{\"execute\":\"query-vnc\"}").at("/return/auth").asText());
            exec("{\"execute\":\"change-vnc-password\",\"arguments\":{\"password\":\"s3cret\"}}");
            assertEquals("s3cret", vncPassword);
        }
    }

    @Nested
    class HumanMonitorCommands {
        private String hmp(String line) throws Exception {
            return exec("{\"execute\":\"human-monitor-command\",\"arguments\":{\"command-line\":\"" + line + "\"}}")
                    .get("return").asText();
        }

        @Test
        void xpDumpsBytesEightPerLineWithSixteenDigitAddresses() throws Exception {
            negotiate();
            // QEMU's memory_dump: physical addresses as %016x, 8 values per line for bytes.
            assertEquals("0000000000000010: 0x10 0x11 0x12 0x13 0x14 0x15 0x16 0x17\n"
                    + "0000000000000018: 0x18 0x19\n", hmp("xp /10xb 0x10"));
        }

        @Test
        void xpWordsAreLittleEndian() throws Exception {
            negotiate();
            assertEquals("0000000000000100: 0x03020100 0x07060504\n", hmp("xp /2xw 0x100"));
        }

        @Test
        void xDumpsVirtualAddressesWithEightDigitAddresses() throws Exception {
            negotiate();
            // FakeMachine maps linear 0xC0000000 onto physical 0; QEMU prints an i386 target's
            // virtual addresses as %08x (TARGET_FMT_lx).
            assertEquals("c0000010: 0x10 0x11 0x12 0x13\n", hmp("x /4xb 0xc0000010"));
        }

        @Test
        void xOfAnUnmappedPageCannotAccessMemory() throws Exception {
            negotiate();
            assertEquals("00001000: Cannot access memory\n", hmp("x /2xw 0x1000"));
        }

        @Test
        void xStopsAtTheFirstLineThatRunsIntoAnUnmappedPage() throws Exception {
            negotiate();
            assertEquals("c000ffe8: 0xebeae9e8 0xefeeedec 0xf3f2f1f0 0xf7f6f5f4\n"
                    + "c000fff8: Cannot access memory\n", hmp("x /8xw 0xc000ffe8"));
        }

        @Test
        void infoStatusAndCpusAndRegisters() throws Exception {
            negotiate();
            assertEquals("VM status: running\n", hmp("info status"));
            assertEquals("* CPU #0: pc=0x00001000\n  CPU #1: pc=0x000fe05b (halted)\n", hmp("info cpus"));
            assertEquals("EAX=00000001 EBX=00000002\n", hmp("info registers"));
        }
    }

    @Nested
    class Input {
        @Test
        void sendKeyPressesInOrderAndReleasesInReverseAfterHoldTime() throws Exception {
            negotiate();
            exec("{\"execute\":\"send-key\",\"arguments\":{\"keys\":[{\"type\":\"qcode\",\"data\":\"ctrl\"},"
                    + "{\"type\":\"qcode\",\"data\":\"alt\"},{\"type\":\"number\",\"data\":211}],\"hold-time\":50}}");
            assertEquals(KeyCode.LEFT_CONTROL, machine.inputs.poll().key());
            assertEquals(KeyCode.LEFT_ALT, machine.inputs.poll().key());
            assertEquals(KeyCode.DELETE, machine.inputs.poll().key());   // qnum 0xD3 = E0 53
            assertNull(machine.inputs.poll());
            ch.advanceTimeBy(50, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            FakeMachine.Input r = machine.inputs.poll();
            assertEquals(KeyCode.DELETE, r.key());
            assertFalse(r.pressed());
            assertEquals(KeyCode.LEFT_CONTROL, machine.inputs.stream().toList().getLast().key());
        }

        @Test
        void inputSendEventSumsMotionAndTracksButtons() throws Exception {
            negotiate();
            exec("{\"execute\":\"input-send-event\",\"arguments\":{\"events\":["
                    + "{\"type\":\"rel\",\"data\":{\"axis\":\"x\",\"value\":5}},"
                    + "{\"type\":\"rel\",\"data\":{\"axis\":\"y\",\"value\":-3}},"
                    + "{\"type\":\"btn\",\"data\":{\"down\":true,\"button\":\"right\"}}]}}");
            FakeMachine.Input m = machine.inputs.poll();
            assertEquals(5, m.dx());
            assertEquals(-3, m.dy());
            assertEquals(2, m.buttons());
        }
    }

    @Nested
    class Screendump {
        @Test
        void pngEqualsTheFramebuffer(@TempDir Path dir) throws Exception {
            negotiate();
            machine.paint((x, y) -> (x * 4) << 16 | (y * 5) << 8 | 0x40);
            Path f = dir.resolve("shot.png");
            assertEquals("{}", exec("{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"" + f + "\",\"format\":\"png\"}}")
                    .get("return").toString());
            BufferedImage img = ImageIO.read(f.toFile());
            assertEquals(64, img.getWidth());
            assertEquals(48, img.getHeight());
            for (int y = 0; y < 48; y++) {
                for (int x = 0; x < 64; x++) assertEquals(machine.framebuffer().pixel(x, y), img.getRGB(x, y));
            }
        }

        @Test
        void defaultFormatForOtherNamesIsPpm(@TempDir Path dir) throws Exception {
            negotiate();
            Path f = dir.resolve("shot.ppm");
            exec("{\"execute\":\"screendump\",\"arguments\":{\"filename\":\"" + f + "\"}}");
            byte[] b = Files.readAllBytes(f);
            String header = "P6\n64 48\n255\n";
            assertEquals(header, new String(b, 0, header.length(), StandardCharsets.US_ASCII));
            assertEquals(header.length() + 64 * 48 * 3, b.length);
        }
    }
}
