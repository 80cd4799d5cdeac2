package javelin.devices.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import javelin.softmmu.state.SnapshotFormatException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The DISPI interface through ports 0x1CE/0x1CF, as vgabios-stdvga and bochs-drm drive it. */
class BochsVbeTest {
    private static final long LFB = 0xE000_0000L;
    private VgaTestBoard b;

    @BeforeEach void setUp() {
        b = new VgaTestBoard();
        b.mapLfb((int) LFB);
    }

    @AfterEach void tearDown() {
        b.close();
    }

    private void setMode(int w, int h, int bpp, int enableBits) {
        b.dispi(BochsVbe.DISPI_ENABLE, 0);
        b.dispi(BochsVbe.DISPI_XRES, w);
        b.dispi(BochsVbe.DISPI_YRES, h);
        b.dispi(BochsVbe.DISPI_BPP, bpp);
        b.dispi(BochsVbe.DISPI_ENABLE, BochsVbe.ENABLE_ENABLED | enableBits);
    }

    @Nested class Identification {
        @Test void acceptsIdsB0C0ToB0C5AndIgnoresOthers() {
            b.dispi(BochsVbe.DISPI_ID, 0xB0C2);
            assertEquals(0xB0C2, b.dispi(BochsVbe.DISPI_ID));
            b.dispi(BochsVbe.DISPI_ID, 0xB0C6);
            assertEquals(0xB0C2, b.dispi(BochsVbe.DISPI_ID));
            b.dispi(BochsVbe.DISPI_ID, 0xB0C5);
            assertEquals(0xB0C5, b.dispi(BochsVbe.DISPI_ID));
        }

        @Test void reportsVideoMemoryIn64KibUnits() {
            assertEquals(256, b.dispi(BochsVbe.DISPI_VIDEO_MEMORY_64K));
        }

        @Test void getCapsReturnsTheMaximaInsteadOfTheCurrentMode() {
            b.dispi(BochsVbe.DISPI_XRES, 800);
            b.dispi(BochsVbe.DISPI_ENABLE, BochsVbe.ENABLE_GETCAPS);
            assertEquals(1920, b.dispi(BochsVbe.DISPI_XRES));
            assertEquals(1200, b.dispi(BochsVbe.DISPI_YRES));
            assertEquals(32, b.dispi(BochsVbe.DISPI_BPP));
            b.dispi(BochsVbe.DISPI_ENABLE, 0);
            assertEquals(800, b.dispi(BochsVbe.DISPI_XRES));
        }

        @Test void unknownIndexReadsAllOnes() {
            assertEquals(0xFFFF, b.dispi(0x20));
        }
    }

    @Nested class ModeSet {
        @Test void refusesResolutionsAboveTheMaximumAndOddBitDepths() {
            b.dispi(BochsVbe.DISPI_XRES, 2560);
            b.dispi(BochsVbe.DISPI_BPP, 12);
            assertEquals(640, b.dispi(BochsVbe.DISPI_XRES));
            assertEquals(8, b.dispi(BochsVbe.DISPI_BPP));
        }

        @Test void largestModeFitsAndRenders() {
            setMode(1920, 1200, 32, BochsVbe.ENABLE_LFB_ENABLED);
            b.memory.writeDword(LFB + 4L * (1199 * 1920 + 1919), 0x00FF_FFFF);
            b.renderer.render();
            assertEquals(1920, b.framebuffer.width());
            assertEquals(1200, b.framebuffer.height());
            assertEquals(0xFFFF_FFFF, b.framebuffer.pixel(1919, 1199));
        }

        @Test void enablingClearsTheScreenUnlessNoClearMemIsSet() {
            b.memory.writeDword(LFB + 40, 0x1234_5678);
            setMode(640, 480, 32, BochsVbe.ENABLE_LFB_ENABLED | BochsVbe.ENABLE_NOCLEARMEM);
            assertEquals(0x1234_5678, b.memory.readDword(LFB + 40));
            b.dispi(BochsVbe.DISPI_ENABLE, 0);
            b.dispi(BochsVbe.DISPI_ENABLE, BochsVbe.ENABLE_ENABLED | BochsVbe.ENABLE_LFB_ENABLED);
            assertEquals(0, b.memory.readDword(LFB + 40));
        }

        @Test void virtualHeightFollowsFromMemoryAndVirtualWidth() {
            setMode(1024, 768, 32, BochsVbe.ENABLE_LFB_ENABLED);
            assertEquals(1024, b.dispi(BochsVbe.DISPI_VIRT_WIDTH));
            assertEquals(16 * 1024 * 1024 / (1024 * 4), b.dispi(BochsVbe.DISPI_VIRT_HEIGHT));
            b.dispi(BochsVbe.DISPI_VIRT_WIDTH, 2048);
            assertEquals(16 * 1024 * 1024 / (2048 * 4), b.dispi(BochsVbe.DISPI_VIRT_HEIGHT));
        }

        @Test void dispiModeSetProducesTheExpectedFramebuffer() {
            setMode(800, 600, 16, BochsVbe.ENABLE_LFB_ENABLED);
            b.memory.writeWord(LFB + 2L * (599 * 800 + 10), 0x001F);   // blue in 5:6:5
            b.renderer.render();
            assertEquals(800, b.framebuffer.width());
            assertEquals(600, b.framebuffer.height());
            assertEquals(0xFF00_00FF, b.framebuffer.pixel(10, 599));
            assertEquals(0xFF00_0000, b.framebuffer.pixel(11, 599));
        }

        @Test void disablingReturnsToVgaRendering() {
            setMode(800, 600, 32, BochsVbe.ENABLE_LFB_ENABLED);
            b.dispi(BochsVbe.DISPI_ENABLE, 0);
            StandardModes.set(b, StandardModes.MODE_13H);
            b.renderer.render();
            assertEquals(320, b.framebuffer.width());
        }
    }

    @Nested class BankedWindow {
        @Test void bankSelectsWhich64KibOfVideoMemoryTheWindowShows() {
            setMode(640, 480, 8, 0);
            b.dispi(BochsVbe.DISPI_BANK, 3);
            b.poke(VgaTestBoard.WINDOW + 0x10, 0xA5);
            assertEquals(0xA5, b.vram.readLinear(3 * 65536 + 0x10));
            assertEquals(0xA5, b.memory.readByte(LFB + 3 * 65536 + 0x10));
            assertEquals(3, b.dispi(BochsVbe.DISPI_BANK));
        }

        @Test void windowAbove64KibReadsAllOnes() {
            setMode(640, 480, 8, 0);
            assertEquals(0xFF, b.peek(VgaTestBoard.WINDOW + 0x10000));
        }
    }

    @Nested class Snapshot {
        @Test void roundTripsDirectlyAndThroughJackson() throws Exception {
            setMode(1024, 768, 24, BochsVbe.ENABLE_LFB_ENABLED);
            b.dispi(BochsVbe.DISPI_BANK, 5);
            b.dispi(BochsVbe.DISPI_Y_OFFSET, 3);
            BochsVbe.State saved = b.vbe.saveState();
            try (VgaTestBoard fresh = new VgaTestBoard()) {
                fresh.vbe.restoreState(saved);
                assertEquals(saved, fresh.vbe.saveState());
                assertTrue(fresh.vbe.isEnabled());
            }
            ObjectMapper json = new ObjectMapper();
            assertEquals(saved, json.readValue(json.writeValueAsString(saved), BochsVbe.State.class));
        }

        @Test void resetDisablesVbeAndRestoresPowerOnRegisters() {
            setMode(1024, 768, 24, BochsVbe.ENABLE_LFB_ENABLED);
            b.vbe.reset();
            try (VgaTestBoard fresh = new VgaTestBoard()) {
                assertEquals(fresh.vbe.saveState(), b.vbe.saveState());
            }
        }

        @Test void rejectsAnImpossibleBitDepth() {
            BochsVbe.State s = b.vbe.saveState();
            assertThrows(SnapshotFormatException.class, () -> new BochsVbe.State(s.version(), s.index(), s.id(), s.xres(),
                    s.yres(), 12, s.enable(), s.bank(), s.virtWidth(), s.virtHeight(), s.xOffset(), s.yOffset()));
        }
    }
}
