package javelin.ui.vnc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import javelin.devices.input.KeyCode;
import javelin.ui.qmp.FakeMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** RFB protocol behaviour of one session, against RFC 6143, on an embedded channel. */
class RfbSessionTest {
    /** Challenge bytes 00..0F, so the expected DES answer can be computed outside this code. */
    static final class CountingRandom extends SecureRandom {
        @Override public void nextBytes(byte[] bytes) {
            for (int i = 0; i < bytes.length; i++) bytes[i] = (byte) i;
        }
    }

    /**
     * DES-ECB of 00..0F under the RFB key for "password" (each byte bit-reversed: 0E86CECEEEF64E26),
     * computed with {@code openssl enc -des-ecb -K 0E86CECEEEF64E26 -nopad -provider legacy}.
     */
    static final String PASSWORD_RESPONSE = "b866924125c8eebb9debc1db61c538e2";

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final FakeMachine machine = new FakeMachine(40, 30);

    @AfterEach
    void shutdown() {
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private RfbTestClient connect(VncOptions options) {
        VncServer server = new VncServer(machine, group, options, new CountingRandom());
        server.setPassword("password");
        return new RfbTestClient(new EmbeddedChannel(new RfbSession(server, false)));
    }

    private RfbTestClient connect() {
        return connect(VncOptions.loopback(0));
    }

    private void paintPattern() {
        machine.paint((x, y) -> (x * 6) << 16 | (y * 8) << 8 | ((x / 8 + y / 8) % 3) * 0x40);
    }

    private int fbPixel(int x, int y) {
        return machine.framebuffer().pixel(x, y) & 0xFFFFFF;
    }

    private void assertCanvasEqualsFramebuffer(RfbTestClient c) {
        for (int y = 0; y < c.height; y++) {
            for (int x = 0; x < c.width; x++) assertEquals(fbPixel(x, y), c.canvas[y * c.width + x], "pixel " + x + "," + y);
        }
    }

    @Nested
    class Handshake {
        @Test
        void version38NoneSendsSecurityResultAndServerInit() {
            RfbTestClient c = connect();
            assertEquals("RFB 003.008\n", c.ascii(12));
            c.send("RFB 003.008\n");
            assertEquals(1, c.u8());
            assertEquals(1, c.u8());
            c.send(1);
            assertEquals(0, c.s32());
            c.send(1);
            assertEquals(40, c.u16());
            assertEquals(30, c.u16());
            // bpp 32, depth 24, little-endian, true colour, maxima 255, shifts 16/8/0, padding.
            assertArrayEquals(new byte[] {32, 24, 0, 1, 0, (byte) 255, 0, (byte) 255, 0, (byte) 255, 16, 8, 0, 0, 0, 0},
                    c.bytes(16));
            int len = c.s32();
            assertEquals("Javelin", c.ascii(len));
        }

        @Test
        void version33ServerChoosesNoneWithoutSecurityResult() {
            RfbTestClient c = connect();
            c.ascii(12);
            c.send("RFB 003.003\n");
            assertEquals(1, c.s32());
            assertEquals(0, c.available());
            c.send(0);
            c.serverInit();
            assertEquals(40, c.width);
        }

        @Test
        void version37NoneHasNoSecurityResult() {
            RfbTestClient c = connect();
            c.ascii(12);
            c.send("RFB 003.007\n");
            assertEquals(1, c.u8());
            assertEquals(1, c.u8());
            c.send(1);
            assertEquals(0, c.available());
            c.send(1);
            c.serverInit();
            assertEquals(30, c.height);
        }

        @Test
        void unknownMinorVersionsFallBackAsTheRfcSays() {
            RfbTestClient c = connect();
            c.ascii(12);
            c.send("RFB 003.005\n");
            assertEquals(1, c.s32(), "3.5 is treated as 3.3: a 32-bit security type");
        }

        @Test
        void vncAuthenticationAcceptsTheDesResponse() {
            RfbTestClient c = connect(VncOptions.loopback(0).withPassword());
            c.ascii(12);
            c.send("RFB 003.008\n");
            assertEquals(1, c.u8());
            assertEquals(RfbSession.SECURITY_VNC_AUTH, c.u8());
            c.send(2);
            assertArrayEquals(HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f"), c.bytes(16));
            c.sendBuf(Unpooled.wrappedBuffer(HexFormat.of().parseHex(PASSWORD_RESPONSE)));
            assertEquals(0, c.s32());
            c.send(1);
            c.serverInit();
            assertTrue(c.ch.isActive());
        }

        @Test
        void wrongPasswordFailsWithAReasonIn38AndCloses() {
            RfbTestClient c = connect(VncOptions.loopback(0).withPassword());
            c.ascii(12);
            c.send("RFB 003.008\n");
            c.bytes(2);
            c.send(2);
            c.bytes(16);
            c.sendBuf(Unpooled.wrappedBuffer(new byte[16]));
            assertEquals(1, c.s32());
            int len = c.s32();
            assertFalse(c.ascii(len).isEmpty());
            assertFalse(c.ch.isActive());
        }

        @Test
        void wrongPasswordIn33FailsWithoutAReason() {
            RfbTestClient c = connect(VncOptions.loopback(0).withPassword());
            c.ascii(12);
            c.send("RFB 003.003\n");
            assertEquals(2, c.s32());
            c.bytes(16);
            c.sendBuf(Unpooled.wrappedBuffer(new byte[16]));
            assertEquals(1, c.s32());
            assertEquals(0, c.available());
            assertFalse(c.ch.isActive());
        }

        @Test
        void notAnRfbClientIsDisconnected() {
            RfbTestClient c = connect();
            c.ascii(12);
            c.send("GET / HTTP/1.1\r\n");
            assertFalse(c.ch.isActive());
        }
    }

    @Nested
    class Sharing {
        private RfbTestClient client(VncServer server, boolean shared) {
            RfbTestClient c = new RfbTestClient(new EmbeddedChannel(new RfbSession(server, false)));
            c.ascii(12);
            c.send("RFB 003.008\n");
            c.bytes(2);
            c.send(1);
            c.s32();
            c.send(shared ? 1 : 0);
            c.serverInit();
            return c;
        }

        @Test
        void anExclusiveClientDisconnectsTheOthers() {
            VncServer server = new VncServer(machine, group, VncOptions.loopback(0), new CountingRandom());
            RfbTestClient first = client(server, true);
            RfbTestClient second = client(server, true);
            assertTrue(first.ch.isActive());
            client(server, false);
            first.ch.runPendingTasks();
            second.ch.runPendingTasks();
            assertFalse(first.ch.isActive());
            assertFalse(second.ch.isActive());
        }

        @Test
        void sharedClientsEachGetTheirOwnUpdates() {
            paintPattern();
            VncServer server = new VncServer(machine, group, VncOptions.loopback(0), new CountingRandom());
            RfbTestClient first = client(server, true);
            RfbTestClient second = client(server, true);
            first.requestUpdate(false);
            first.readUpdate();
            second.setEncodings(Encoding.ZRLE);
            second.requestUpdate(false);
            second.readUpdate();
            machine.paint((x, y) -> x == 3 ? 0xFFFFFF : fbPixel(x, y));
            // Each session has its own dirty tracker: the first taking the change leaves it for the second.
            first.requestUpdate(true);
            first.readUpdate();
            second.requestUpdate(true);
            second.readUpdate();
            assertCanvasEqualsFramebuffer(first);
            assertCanvasEqualsFramebuffer(second);
        }

        @Test
        void forceSharedKeepsEveryone() {
            VncOptions shared = new VncOptions("127.0.0.1", 0, false, null, null, -1, VncOptions.Share.FORCE_SHARED);
            VncServer server = new VncServer(machine, group, shared, new CountingRandom());
            RfbTestClient first = client(server, true);
            client(server, false);
            first.ch.runPendingTasks();
            assertTrue(first.ch.isActive());
        }
    }

    @Nested
    class Updates {
        @Test
        void fullRawUpdateEqualsTheFramebuffer() {
            paintPattern();
            RfbTestClient c = connect();
            c.handshake38None();
            c.requestUpdate(false);
            assertEquals(1, c.readUpdate());
            assertEquals(Encoding.RAW, c.lastEncoding);
            assertCanvasEqualsFramebuffer(c);
        }

        @Test
        void incrementalUpdateCarriesOnlyTheDirtyRegionAndWaitsForChanges() {
            paintPattern();
            RfbTestClient c = connect();
            c.handshake38None();
            c.requestUpdate(false);
            c.readUpdate();
            c.requestUpdate(true);
            assertEquals(0, c.available(), "nothing changed, so the request stays pending");
            machine.paint((x, y) -> y == 12 && x >= 5 && x < 9 ? 0xFF00FF : fbPixel(x, y));
            c.ch.pipeline().get(RfbSession.class).wake();
            assertEquals(0, c.u8());
            c.u8();
            assertEquals(1, c.u16());
            assertArrayEquals(new int[] {5, 12, 4, 1}, new int[] {c.u16(), c.u16(), c.u16(), c.u16()});
        }

        @Test
        void hextileDecodesToTheFramebuffer() {
            paintPattern();
            RfbTestClient c = connect();
            c.handshake38None();
            c.setEncodings(Encoding.HEXTILE, Encoding.RAW);
            c.requestUpdate(false);
            c.readUpdate();
            assertEquals(Encoding.HEXTILE, c.lastEncoding);
            assertCanvasEqualsFramebuffer(c);
        }

        @Test
        void zrleDecodesToTheFramebufferOverOneStream() {
            paintPattern();
            RfbTestClient c = connect();
            c.handshake38None();
            c.setEncodings(Encoding.ZRLE);
            c.requestUpdate(false);
            c.readUpdate();
            assertEquals(Encoding.ZRLE, c.lastEncoding);
            assertCanvasEqualsFramebuffer(c);
            // A second update continues the same zlib stream (RFC 6143 7.7.6).
            machine.paint((x, y) -> x == y ? 0xFFFFFF : (x * 3) << 8);
            c.requestUpdate(true);
            c.readUpdate();
            assertCanvasEqualsFramebuffer(c);
        }

        @Test
        void zrleRunLengthTilesDecodeToTheFramebuffer() {
            // A console: long runs of two colours (palette RLE), plus a band of 40 grey levels in
            // long runs (too many colours for a packed palette: plain or palette RLE).
            machine.paint((x, y) -> y < 20 ? ((x / 7 + y / 3) % 2 == 0 ? 0x0000AA : 0xAAAAAA) : (x / 1) * 0x060606);
            RfbTestClient c = connect();
            c.handshake38None();
            c.setEncodings(Encoding.ZRLE);
            c.requestUpdate(false);
            c.readUpdate();
            assertCanvasEqualsFramebuffer(c);
        }

        @Test
        void zrlePlainRunLengthForManyColoursInRunsDecodes() {
            // 150 colours in runs of 8 pixels: more than palette RLE's 127, so plain RLE.
            machine.paint((x, y) -> ((y * 40 + x) / 8) * 0x010101 + 0x200000);
            RfbTestClient c = connect();
            c.handshake38None();
            c.setEncodings(Encoding.ZRLE);
            c.requestUpdate(false);
            c.readUpdate();
            assertCanvasEqualsFramebuffer(c);
        }

        @Test
        void rgb565BigEndianPixelsAreConverted() {
            machine.paint((x, y) -> 0xFF0000);
            RfbTestClient c = connect();
            c.handshake38None();
            c.sendBuf(Unpooled.buffer().writeByte(0).writeZero(3).writeByte(16).writeByte(16).writeByte(1).writeByte(1)
                    .writeShort(31).writeShort(63).writeShort(31).writeByte(11).writeByte(5).writeByte(0).writeZero(3));
            c.requestUpdate(true);
            c.u8();
            c.u8();
            c.u16();
            c.bytes(12);
            assertEquals(0xF8, c.u8(), "red 255 -> 31 << 11 = 0xF800, most significant byte first");
            assertEquals(0x00, c.u8());
        }

        @Test
        void desktopSizeResizesTheClient() {
            RfbTestClient c = connect();
            c.handshake38None();
            c.setEncodings(Encoding.RAW, Encoding.DESKTOP_SIZE);
            c.requestUpdate(false);
            c.readUpdate();
            machine.resize(64, 20);
            machine.paint((x, y) -> x << 16);
            c.requestUpdate(true);
            assertEquals(2, c.readUpdate());
            assertEquals(64, c.width);
            assertEquals(20, c.height);
            assertCanvasEqualsFramebuffer(c);
        }

        /** A console scrolling up by one 16-pixel text line, with a new bottom line. */
        private void scrollUp(int lines) {
            int[] before = machine.framebuffer().copyPixels();
            machine.paint((x, y) -> y + lines < 30 ? before[(y + lines) * 40 + x] & 0xFFFFFF : 0x00FF00 + x);
        }

        @Test
        void aScrollIsSentAsCopyRectPlusTheNewRows() {
            machine.paint((x, y) -> (y * 8) << 16 | x * 6 | 0x1000);    // every row distinct
            RfbTestClient c = connect();
            c.handshake38None();
            c.setEncodings(Encoding.COPY_RECT, Encoding.RAW);
            c.requestUpdate(false);
            c.readUpdate();
            scrollUp(10);
            c.encodings.clear();
            c.requestUpdate(true);
            assertEquals(2, c.readUpdate());
            assertEquals(java.util.List.of(Encoding.COPY_RECT, Encoding.RAW), c.encodings);
            assertCanvasEqualsFramebuffer(c);
        }

        @Test
        void noCopyRectForAClientThatDidNotAskForIt() {
            machine.paint((x, y) -> (y * 8) << 16 | x * 6 | 0x1000);
            RfbTestClient c = connect();
            c.handshake38None();
            c.setEncodings(Encoding.HEXTILE);
            c.requestUpdate(false);
            c.readUpdate();
            scrollUp(10);
            c.encodings.clear();
            c.requestUpdate(true);
            c.readUpdate();
            assertEquals(java.util.List.of(Encoding.HEXTILE), c.encodings);
            assertCanvasEqualsFramebuffer(c);
        }

        @Test
        void extendedKeyEventSupportIsAcknowledgedWithAPseudoRectangle() {
            RfbTestClient c = connect();
            c.handshake38None();
            c.requestUpdate(false);
            c.readUpdate();
            c.setEncodings(Encoding.RAW, Encoding.QEMU_EXTENDED_KEY_EVENT);
            c.requestUpdate(true);
            assertEquals(1, c.readUpdate());
            assertEquals(Encoding.QEMU_EXTENDED_KEY_EVENT, c.lastEncoding);
        }
    }

    @Nested
    class Input {
        @Test
        void keysymsBecomePcKeys() {
            RfbTestClient c = connect();
            c.handshake38None();
            c.send(4, 1, 0, 0, 0, 0, 0, 'A');        // 'A' (Shift already held by the client)
            c.send(4, 0, 0, 0, 0, 0, 0, 'A');
            c.send(4, 1, 0, 0, 0, 0, 0xFF, 0x52);    // XK_Up
            assertEquals(new FakeMachine.Input("key", KeyCode.A, true, 0, 0, 0, 0), machine.inputs.poll());
            assertEquals(new FakeMachine.Input("key", KeyCode.A, false, 0, 0, 0, 0), machine.inputs.poll());
            assertEquals(KeyCode.UP, machine.inputs.poll().key());
        }

        @Test
        void qemuExtendedKeyEventsUseTheScanCode() {
            RfbTestClient c = connect();
            c.handshake38None();
            // keysym 0 (unknown), keycode 0xC8 = E0 48 (cursor up) folded as rfbproto says.
            c.send(255, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xC8);
            assertEquals(KeyCode.UP, machine.inputs.poll().key());
        }

        @Test
        void heldKeysAreReleasedWhenTheClientLeaves() {
            RfbTestClient c = connect();
            c.handshake38None();
            c.send(4, 1, 0, 0, 0, 0, 0xFF, 0xE3);    // Control_L down
            machine.inputs.poll();
            c.ch.close();
            FakeMachine.Input r = machine.inputs.poll();
            assertEquals(KeyCode.LEFT_CONTROL, r.key());
            assertFalse(r.pressed());
        }

        @Test
        void pointerMotionBecomesRelativeWithPs2Buttons() {
            RfbTestClient c = connect();
            c.handshake38None();
            c.send(5, 0, 0, 10, 0, 10);
            c.send(5, 1, 0, 15, 0, 7);
            c.send(5, 4 | 8, 0, 15, 0, 7);            // right button and a wheel-up notch
            assertEquals(new FakeMachine.Input("mouse", null, false, 5, -3, 0, 1), machine.inputs.poll());
            assertEquals(new FakeMachine.Input("mouse", null, false, 0, 0, -1, 2), machine.inputs.poll());
            assertNull(machine.inputs.poll());
        }
    }

    @Nested
    class HostileClients {
        @Test
        void unknownMessageTypeCloses() {
            RfbTestClient c = connect();
            c.handshake38None();
            c.send(7);
            assertFalse(c.ch.isActive());
        }

        @Test
        void hugeCutTextCloses() {
            RfbTestClient c = connect();
            c.handshake38None();
            c.send(6, 0, 0, 0, 0x7F, 0xFF, 0xFF, 0xFF);
            assertFalse(c.ch.isActive());
        }

        @Test
        void colourMapPixelFormatCloses() {
            RfbTestClient c = connect();
            c.handshake38None();
            c.send(0, 0, 0, 0, 8, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
            assertFalse(c.ch.isActive());
        }

        @Test
        void shortCutTextIsSwallowedAndTheSessionGoesOn() {
            paintPattern();
            RfbTestClient c = connect();
            c.handshake38None();
            c.sendBuf(Unpooled.buffer().writeByte(6).writeZero(3).writeInt(5).writeBytes("hello".getBytes(StandardCharsets.US_ASCII)));
            c.requestUpdate(false);
            c.readUpdate();
            assertCanvasEqualsFramebuffer(c);
        }
    }
}
