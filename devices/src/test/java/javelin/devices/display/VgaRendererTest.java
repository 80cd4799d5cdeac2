package javelin.devices.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The renderer against golden screenshots painted by an independent reference painter
 * ({@code src/test/resources/display/make_goldens.py}), and its incremental behaviour.
 */
class VgaRendererTest {
    private static final long LFB = 0xE000_0000L;
    /** Mode 03h frame: 449 lines of 900 dots at 28.322 MHz (IBM VGA, 70 Hz). */
    private static final long MODE3_FRAME_NANOS = (long) (449 * 900 * 1e9 / 28_322_000);
    private static final int CURSOR_ROW = 5;
    private static final int CURSOR_COL = 10;

    private VgaTestBoard b;

    @BeforeEach void setUp() {
        b = new VgaTestBoard();
    }

    @AfterEach void tearDown() {
        b.close();
    }

    static void assertMatchesGolden(String name, Framebuffer fb) throws IOException {
        BufferedImage golden;
        try (InputStream in = VgaRendererTest.class.getResourceAsStream("/display/" + name)) {
            assertNotNull(in, name);
            golden = ImageIO.read(in);
        }
        assertEquals(golden.getWidth() + "x" + golden.getHeight(), fb.width() + "x" + fb.height(), "size of " + name);
        int[] px = fb.copyPixels();
        int mismatches = 0;
        String first = "";
        for (int y = 0; y < golden.getHeight(); y++) {
            for (int x = 0; x < golden.getWidth(); x++) {
                int expected = golden.getRGB(x, y) & 0xFF_FFFF;
                int actual = px[y * fb.width() + x] & 0xFF_FFFF;
                if (expected != actual && mismatches++ == 0) {
                    first = String.format("first at (%d,%d): expected %06x, got %06x", x, y, expected, actual);
                }
            }
        }
        assertEquals(0, mismatches, name + ": " + mismatches + " pixels differ; " + first);
    }

    private void textMode() {
        StandardModes.set(b, StandardModes.MODE_03H);
        TestPatterns.loadDac(b);
        TestPatterns.loadFont(b);
        TestPatterns.fillText(b);
    }

    private void vbeMode(int w, int h, int bpp) {
        b.mapLfb((int) LFB);
        b.dispi(BochsVbe.DISPI_XRES, w);
        b.dispi(BochsVbe.DISPI_YRES, h);
        b.dispi(BochsVbe.DISPI_BPP, bpp);
        b.dispi(BochsVbe.DISPI_ENABLE, BochsVbe.ENABLE_ENABLED | BochsVbe.ENABLE_LFB_ENABLED);
    }

    @Nested class Goldens {
        @Test void textMode03hWithSyntheticFontCursorAndLineGraphics() throws IOException {
            textMode();
            b.renderer.render();
            assertMatchesGolden("text-mode3.png", b.framebuffer);
        }

        @Test void mode13hChained256Colours() throws IOException {
            StandardModes.set(b, StandardModes.MODE_13H);
            TestPatterns.loadDac(b);
            TestPatterns.fillMode13(b);
            b.renderer.render();
            assertMatchesGolden("mode13h.png", b.framebuffer);
        }

        @Test void mode12hPlanar16Colours() throws IOException {
            StandardModes.set(b, StandardModes.MODE_12H);
            TestPatterns.loadDac(b);
            TestPatterns.fillMode12(b);
            b.renderer.render();
            assertMatchesGolden("mode12h.png", b.framebuffer);
        }

        @Test void vbe640x480x32ThroughTheLinearFramebuffer() throws IOException {
            vbeMode(640, 480, 32);
            for (int y = 0; y < 480; y++) {
                for (int x = 0; x < 640; x++) b.memory.writeDword(LFB + 4L * (y * 640 + x), TestPatterns.vbe32Pixel(x, y));
            }
            b.renderer.render();
            assertMatchesGolden("vbe-640x480x32.png", b.framebuffer);
        }
    }

    @Nested class Incremental {
        @Test void aWriteThroughTheWindowDirtiesOnlyItsPixel() {
            StandardModes.set(b, StandardModes.MODE_13H);
            TestPatterns.loadDac(b);
            Framebuffer.DirtyTracker tracker = b.framebuffer.newDirtyTracker();
            b.renderer.render();
            tracker.take();
            b.poke(VgaTestBoard.WINDOW + 7 * 320 + 33, 0x42);
            b.renderer.render();
            Framebuffer.Dirty d = tracker.take();
            assertEquals(new Framebuffer.Rect(33, 7, 1, 1), d.region());
            assertEquals(b.vga.dacArgb(0x42), b.framebuffer.pixel(33, 7));
        }

        @Test void anUnchangedScreenProducesNoDirtyRegion() {
            StandardModes.set(b, StandardModes.MODE_12H);
            Framebuffer.DirtyTracker tracker = b.framebuffer.newDirtyTracker();
            b.renderer.render();
            tracker.take();
            b.renderer.render();
            assertNull(tracker.take());
        }

        @Test void lfbWritesByTheCpuAreNoticedWithoutPassingThroughTheDevice() {
            vbeMode(320, 200, 32);
            Framebuffer.DirtyTracker tracker = b.framebuffer.newDirtyTracker();
            b.renderer.render();
            tracker.take();
            b.memory.writeDword(LFB + 4L * (150 * 320 + 100), 0x123456);
            b.renderer.render();
            assertEquals(new Framebuffer.Rect(100, 150, 1, 1), tracker.take().region());
            assertEquals(0xFF12_3456, b.framebuffer.pixel(100, 150));
        }

        @Test void aDacChangeRepaintsEveryPixelUsingTheEntry() {
            StandardModes.set(b, StandardModes.MODE_13H);
            b.renderer.render();
            b.out(0x3C8, 0);
            b.out(0x3C9, 0x3F);
            b.out(0x3C9, 0);
            b.out(0x3C9, 0);
            b.renderer.render();
            assertEquals(0xFFFF_0000, b.framebuffer.pixel(319, 199));
        }

        @Test void theRefreshTimerRendersOnTheVirtualClock() {
            StandardModes.set(b, StandardModes.MODE_13H);
            TestPatterns.loadDac(b);
            b.renderer.start();
            b.poke(VgaTestBoard.WINDOW, 0x42);
            b.clock.advance(VgaRenderer.REFRESH_NANOS);
            assertEquals(b.vga.dacArgb(0x42), b.framebuffer.pixel(0, 0));
            b.poke(VgaTestBoard.WINDOW, 0x43);
            b.clock.advance(VgaRenderer.REFRESH_NANOS);
            assertEquals(b.vga.dacArgb(0x43), b.framebuffer.pixel(0, 0));
        }
    }

    @Nested class Text {
        private int cursorPixel() {
            return b.framebuffer.pixel(CURSOR_COL * 9 + 3, CURSOR_ROW * 16 + 13);
        }

        @Test void cursorBlinksEverySixteenFramesOfVirtualTime() {
            textMode();
            int fg = b.vga.dacArgb(StandardModes.MODE_03H.attr()[TestPatterns.textAttr(CURSOR_ROW, CURSOR_COL) & 15]);
            b.renderer.render();
            assertEquals(fg, cursorPixel());
            b.clock.advanceTo(8 * MODE3_FRAME_NANOS + 1000);
            b.renderer.render();
            int glyph = TestPatterns.glyphRow(TestPatterns.textChar(CURSOR_ROW, CURSOR_COL), 13);
            boolean dotOn = (glyph >> 4 & 1) != 0;
            int bg = b.vga.dacArgb(StandardModes.MODE_03H.attr()[(TestPatterns.textAttr(CURSOR_ROW, CURSOR_COL) >> 4) & 7]);
            assertEquals(dotOn ? fg : bg, cursorPixel());
            b.clock.advanceTo(16 * MODE3_FRAME_NANOS + 1000);
            b.renderer.render();
            assertEquals(fg, cursorPixel());
        }

        @Test void blinkingCharactersShowTheirBackgroundInTheOffPhase() {
            textMode();
            b.crtc(0x0A, 0x20);                  // cursor off
            b.poke(0xB8000, 0xDB);               // a character whose every dot of row 0 we know
            b.poke(0xB8001, 0x9E);               // blink, background 1, foreground E
            int fg = b.vga.dacArgb(StandardModes.MODE_03H.attr()[0x0E]);
            int bg = b.vga.dacArgb(StandardModes.MODE_03H.attr()[0x01]);
            int dot = (TestPatterns.glyphRow(0xDB, 0) & 0x80) != 0 ? fg : bg;
            b.renderer.render();
            assertEquals(dot, b.framebuffer.pixel(0, 0));
            b.clock.advanceTo(16 * MODE3_FRAME_NANOS + 1000);
            b.renderer.render();
            assertEquals(bg, b.framebuffer.pixel(0, 0));
        }

        @Test void attributeBit3SelectsCharacterMapAWhenTwoMapsAreActive() {
            textMode();
            b.crtc(0x0A, 0x20);
            b.seq(2, 0x04);                      // plane 2, sequential: glyph 'X' row 0 of map 1 (16 KiB) lit
            b.seq(4, 0x06);
            b.gc(5, 0x00);
            b.gc(6, 0x04);
            b.poke(VgaTestBoard.WINDOW + 0x4000 + 'X' * 32, 0xFF);
            b.poke(VgaTestBoard.WINDOW + 'X' * 32, 0x00);
            b.seq(2, 0x03);
            b.seq(4, 0x02);
            b.gc(5, 0x10);
            b.gc(6, 0x0E);
            b.seq(3, 0x04);                      // map A = 1, map B = 0
            b.poke(0xB8000, 'X');
            b.poke(0xB8001, 0x0F);               // bit 3 set: map A
            b.poke(0xB8002, 'X');
            b.poke(0xB8003, 0x07);               // bit 3 clear: map B
            b.renderer.render();
            int[] attr = StandardModes.MODE_03H.attr();
            assertEquals(b.vga.dacArgb(attr[0x0F]), b.framebuffer.pixel(0, 0));
            assertEquals(b.vga.dacArgb(attr[0x00]), b.framebuffer.pixel(9, 0));
        }

        @Test void eightDotModeDropsTheNinthColumn() {
            textMode();
            b.seq(1, 0x01);
            b.renderer.render();
            assertEquals(640, b.framebuffer.width());
        }

        @Test void screenTextReadsTheCharactersOnScreen() {
            StandardModes.set(b, StandardModes.MODE_03H);
            String message = "SeaBIOS (version 1.16)";
            for (int i = 0; i < message.length(); i++) {
                b.poke(0xB8000 + 2L * (80 + i), message.charAt(i));
                b.poke(0xB8000 + 2L * (80 + i) + 1, 0x07);
            }
            b.poke(0xB8000 + 2L * (2 * 80), 0xC9);   // box drawing corner in CP437
            List<String> text = b.renderer.screenText();
            assertEquals(25, text.size());
            assertEquals(80, text.get(1).length());
            assertEquals(message, text.get(1).strip());
            assertEquals('╔', text.get(2).charAt(0));
        }

        @Test void screenTextIsEmptyInGraphicsModes() {
            StandardModes.set(b, StandardModes.MODE_13H);
            assertTrue(b.renderer.screenText().isEmpty());
        }

        @Test void screenSizeFollowsTheProgrammedMode() {
            StandardModes.set(b, StandardModes.MODE_03H);
            assertEquals(new Framebuffer.Rect(0, 0, 720, 400), b.renderer.screenSize());
            StandardModes.set(b, StandardModes.MODE_12H);
            assertEquals(new Framebuffer.Rect(0, 0, 640, 480), b.renderer.screenSize());
        }

        @Test void codePageTableCoversTheUpperHalf() {
            assertEquals(128, VgaRenderer.CP437_HIGH.length());
        }
    }

    @Nested class GraphicsModes {
        @Test void modeXShowsPlanesZeroToThreeAsConsecutivePixels() {
            StandardModes.set(b, StandardModes.MODE_13H);
            TestPatterns.loadDac(b);
            b.seq(4, 0x06);                     // unchain
            b.crtc(0x14, 0x00);                 // doubleword mode off
            b.crtc(0x17, 0xE3);                 // byte mode
            for (int p = 0; p < 4; p++) {
                b.seq(2, 1 << p);
                b.poke(VgaTestBoard.WINDOW + 80 * 3 + 2, 0x10 + p);
            }
            b.renderer.render();
            assertEquals(320, b.framebuffer.width());
            for (int p = 0; p < 4; p++) assertEquals(b.vga.dacArgb(0x10 + p), b.framebuffer.pixel(8 + p, 3));
        }

        @Test void cgaMode04hInterleavesTwoBitPixelsAndOddLinesAt2000h() {
            StandardModes.set(b, StandardModes.MODE_04H);
            TestPatterns.loadDac(b);
            b.poke(0xB8000, 0b11_10_01_00);     // line 0, pixels 0-3
            b.poke(0xB8001, 0b00_00_00_11);     // line 0, pixel 7
            b.poke(0xBA000, 0b01_00_00_00);     // line 1 (odd lines start 2000h in), pixel 0
            b.poke(0xB8000 + 80, 0b10_00_00_00); // line 2, pixel 0
            b.renderer.render();
            assertEquals(320, b.framebuffer.width());
            assertEquals(200, b.framebuffer.height());
            int[] attr = StandardModes.MODE_04H.attr();
            assertEquals(List.of(attr[3], attr[2], attr[1], attr[0]).stream().map(b.vga::dacArgb).toList(),
                    List.of(b.framebuffer.pixel(0, 0), b.framebuffer.pixel(1, 0), b.framebuffer.pixel(2, 0),
                            b.framebuffer.pixel(3, 0)));
            assertEquals(b.vga.dacArgb(attr[3]), b.framebuffer.pixel(7, 0));
            assertEquals(b.vga.dacArgb(attr[1]), b.framebuffer.pixel(0, 1));
            assertEquals(b.vga.dacArgb(attr[2]), b.framebuffer.pixel(0, 2));
        }

        @Test void mode0DhIs320x200With16Colours() {
            StandardModes.set(b, StandardModes.MODE_0DH);
            TestPatterns.loadDac(b);
            b.gc(5, 0x02);                       // write mode 2: colour 9 into pixel 8 of line 199
            b.gc(8, 0x80);
            b.peek(VgaTestBoard.WINDOW + 199 * 40 + 1);
            b.poke(VgaTestBoard.WINDOW + 199 * 40 + 1, 9);
            b.renderer.render();
            assertEquals(320, b.framebuffer.width());
            assertEquals(200, b.framebuffer.height());
            assertEquals(b.vga.dacArgb(0x11), b.framebuffer.pixel(8, 199));
            assertEquals(b.vga.dacArgb(0x00), b.framebuffer.pixel(9, 199));
        }

        @Test void pelPanningShiftsPlanarLinesLeft() {
            StandardModes.set(b, StandardModes.MODE_12H);
            TestPatterns.loadDac(b);
            b.poke(VgaTestBoard.WINDOW + 1, 0x80);  // pixel 8 of line 0 in colour 15
            b.attr(0x13, 3);
            b.enableDisplay();
            b.renderer.render();
            int white = b.vga.dacArgb(0x3F);
            assertEquals(white, b.framebuffer.pixel(5, 0));
            assertNotEquals(white, b.framebuffer.pixel(8, 0));
        }

        @Test void pelPanningMovesMode13hByOnePixelPerTwoUnits() {
            StandardModes.set(b, StandardModes.MODE_13H);
            TestPatterns.loadDac(b);
            b.poke(VgaTestBoard.WINDOW + 320 + 4, 0x42);
            b.attr(0x13, 2);
            b.enableDisplay();
            b.renderer.render();
            assertEquals(b.vga.dacArgb(0x42), b.framebuffer.pixel(3, 1));
        }

        @Test void pixelPanningModeLeavesTheSplitScreenUnpanned() {
            StandardModes.set(b, StandardModes.MODE_12H);
            TestPatterns.loadDac(b);
            b.poke(VgaTestBoard.WINDOW + 1, 0x80);
            b.crtc(0x18, 99);
            b.crtc(0x07, 0x3E & ~0x10);
            b.crtc(0x09, 0x00);
            b.attr(0x10, 0x21);                     // graphics, PP set
            b.attr(0x13, 3);
            b.enableDisplay();
            b.renderer.render();
            int white = b.vga.dacArgb(0x3F);
            assertEquals(white, b.framebuffer.pixel(8, 100));
            assertEquals(white, b.framebuffer.pixel(5, 0));
        }

        @Test void blankedWhilePaletteAddressSourceIsClear() {
            StandardModes.set(b, StandardModes.MODE_13H);
            TestPatterns.loadDac(b);
            TestPatterns.fillMode13(b);
            b.in(0x3DA);
            b.out(0x3C0, 0x00);
            b.renderer.render();
            assertEquals(0xFF00_0000, b.framebuffer.pixel(10, 10));
        }

        @Test void lineCompareRestartsTheLowerScreenAtAddressZero() {
            StandardModes.set(b, StandardModes.MODE_12H);
            TestPatterns.loadDac(b);
            b.poke(VgaTestBoard.WINDOW, 0xFF);   // first byte of line 0: colour 15 (all planes)
            b.crtc(0x0C, 0x10);                  // upper part starts 4096 bytes in
            b.crtc(0x18, 99);                    // split after line 99: bits 9:8 (CR09, CR07) cleared
            b.crtc(0x07, 0x3E & ~0x10);          // the line compare bit is writable despite protect
            b.crtc(0x09, 0x00);
            b.renderer.render();
            int white = b.vga.dacArgb(0x3F);
            assertEquals(white, b.framebuffer.pixel(0, 100));
            assertNotEquals(white, b.framebuffer.pixel(0, 0));
        }
    }

    @Nested class VbeFormats {
        @Test void sixteenBitPixelsAre565() {
            vbeMode(64, 8, 16);
            b.memory.writeWord(LFB, 0xF800);
            b.memory.writeWord(LFB + 2, 0x07E0);
            b.renderer.render();
            assertEquals(0xFFFF_0000, b.framebuffer.pixel(0, 0));
            assertEquals(0xFF00_FF00, b.framebuffer.pixel(1, 0));
        }

        @Test void fifteenBitPixelsAre555() {
            vbeMode(64, 8, 15);
            b.memory.writeWord(LFB, 0x7C00);
            b.memory.writeWord(LFB + 2, 0x001F);
            b.renderer.render();
            assertEquals(0xFFFF_0000, b.framebuffer.pixel(0, 0));
            assertEquals(0xFF00_00FF, b.framebuffer.pixel(1, 0));
        }

        @Test void twentyFourBitPixelsAreBlueGreenRed() {
            vbeMode(64, 8, 24);
            b.memory.writeByte(LFB + 3, 0x11);
            b.memory.writeByte(LFB + 4, 0x22);
            b.memory.writeByte(LFB + 5, 0x33);
            b.renderer.render();
            assertEquals(0xFF33_2211, b.framebuffer.pixel(1, 0));
        }

        @Test void eightBitPixelsGoThroughTheDac() {
            TestPatterns.loadDac(b);
            vbeMode(64, 8, 8);
            b.memory.writeByte(LFB + 64 * 2 + 5, 0x80);
            b.renderer.render();
            assertEquals(b.vga.dacArgb(0x80), b.framebuffer.pixel(5, 2));
        }

        @Test void panningMovesTheVisibleWindow() {
            vbeMode(64, 8, 32);
            b.dispi(BochsVbe.DISPI_VIRT_WIDTH, 128);
            b.dispi(BochsVbe.DISPI_X_OFFSET, 4);
            b.dispi(BochsVbe.DISPI_Y_OFFSET, 2);
            b.memory.writeDword(LFB + 4L * (2 * 128 + 4), 0xABCDEF);
            b.renderer.render();
            assertEquals(0xFFAB_CDEF, b.framebuffer.pixel(0, 0));
        }

        @Test void bankedWindowWritesReachTheSamePixels() {
            vbeMode(320, 240, 32);
            b.dispi(BochsVbe.DISPI_BANK, 1);
            b.memory.writeDword(VgaTestBoard.WINDOW + 8, 0x00FF00);   // byte 65544: pixel 16386
            b.renderer.render();
            assertEquals(0xFF00_FF00, b.framebuffer.pixel(16386 % 320, 16386 / 320));
        }
    }
}
