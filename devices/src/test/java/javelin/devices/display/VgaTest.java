package javelin.devices.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import javelin.softmmu.state.SnapshotFormatException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The VGA through its ports and the 0xA0000 window. Expected values follow the IBM VGA
 * Technical Reference's register descriptions and write/read data path diagrams.
 */
class VgaTest {
    private VgaTestBoard b;

    @BeforeEach void setUp() {
        b = new VgaTestBoard();
        b.out(0x3C2, 0x67); // colour addressing, as every BIOS mode but 07h
    }

    @AfterEach void tearDown() {
        b.close();
    }

    /** Planar, non-chained 64 KiB window at 0xA0000 (the mode 12h memory organisation). */
    private void planar() {
        b.seq(4, 0x06);
        b.gc(6, 0x05);
        b.gc(8, 0xFF);
        b.seq(2, 0x0F);
    }

    /** Writes the four planes at {@code offset} one at a time through the map mask. */
    private void loadPlanes(int offset, int p0, int p1, int p2, int p3) {
        int[] v = {p0, p1, p2, p3};
        int mode = b.vga.gc(Vga.GC_MODE);
        b.gc(5, 0x00);
        for (int p = 0; p < 4; p++) {
            b.seq(2, 1 << p);
            b.poke(VgaTestBoard.WINDOW + offset, v[p]);
        }
        b.seq(2, 0x0F);
        b.gc(5, mode);
    }

    private int plane(int p, int offset) {
        return b.vram.readPlane(p, offset);
    }

    @Nested class AttributeController {
        @Test void writesAlternateBetweenIndexAndData() {
            b.in(0x3DA);
            b.out(0x3C0, 0x12);
            b.out(0x3C0, 0x05);
            b.out(0x3C0, 0x32);      // an index again: PAS set, register 12h
            assertEquals(0x32, b.in(0x3C0));
            assertEquals(0x05, b.in(0x3C1));
        }

        @Test void readingInputStatus1ResetsTheFlipFlopToIndex() {
            b.in(0x3DA);
            b.out(0x3C0, 0x11);      // index
            b.in(0x3DA);             // back to index state
            b.out(0x3C0, 0x13);      // so this is an index, not data for 11h
            b.out(0x3C0, 0x07);
            assertEquals(0x13, b.in(0x3C0));
            assertEquals(0x07, b.in(0x3C1));
            b.out(0x3C0, 0x11);
            assertEquals(0x00, b.in(0x3C1));
        }

        @Test void monoStatusPortDoesNotResetWhileColourAddressingIsSelected() {
            b.in(0x3DA);
            b.out(0x3C0, 0x11);
            assertEquals(0xFF, b.in(0x3BA));
            b.out(0x3C0, 0x2A);      // still data for 11h
            assertEquals(0x2A, b.vga.attr(Vga.ATTR_OVERSCAN));
        }

        @Test void paletteRegistersIgnoreWritesWhilePaletteAddressSourceIsSet() {
            b.attr(0x03, 0x15);
            b.in(0x3DA);
            b.out(0x3C0, 0x23);
            b.out(0x3C0, 0x2A);
            assertEquals(0x15, b.in(0x3C1));
        }

        @Test void paletteRegistersKeepSixBits() {
            b.attr(0x01, 0xFF);
            b.out(0x3C0, 0x01);
            assertEquals(0x3F, b.in(0x3C1));
        }
    }

    @Nested class Dac {
        @Test void writeSequenceStoresThreeComponentsAndAdvancesTheIndex() {
            b.out(0x3C8, 0x10);
            for (int v : new int[] {1, 2, 3, 4, 5, 6}) b.out(0x3C9, v);
            assertEquals(0x12, b.in(0x3C8));
            b.out(0x3C7, 0x10);
            List<Integer> read = new ArrayList<>();
            for (int i = 0; i < 6; i++) read.add(b.in(0x3C9));
            assertEquals(List.of(1, 2, 3, 4, 5, 6), read);
        }

        @Test void componentsAreSixBitsWide() {
            b.out(0x3C8, 0);
            b.out(0x3C9, 0xFF);
            b.out(0x3C9, 0x40);
            b.out(0x3C9, 0x3F);
            b.out(0x3C7, 0);
            assertEquals(0x3F, b.in(0x3C9));
            assertEquals(0x00, b.in(0x3C9));
            assertEquals(0x3F, b.in(0x3C9));
        }

        @Test void stateRegisterTellsReadFromWriteMode() {
            b.out(0x3C7, 5);
            assertEquals(0x03, b.in(0x3C7));
            b.out(0x3C8, 5);
            assertEquals(0x00, b.in(0x3C7));
        }

        @Test void readIndexWrapsAfterEntry255() {
            b.out(0x3C8, 0xFF);
            for (int v : new int[] {7, 8, 9, 10, 11, 12}) b.out(0x3C9, v);
            b.out(0x3C7, 0xFF);
            for (int i = 0; i < 3; i++) b.in(0x3C9);
            assertEquals(10, b.in(0x3C9));
        }

        @Test void dispiEightBitDacKeepsFullComponents() {
            b.dispi(BochsVbe.DISPI_ENABLE, BochsVbe.ENABLE_8BIT_DAC);
            b.out(0x3C8, 1);
            b.out(0x3C9, 0xC8);
            b.out(0x3C9, 0x80);
            b.out(0x3C9, 0x01);
            b.out(0x3C7, 1);
            assertEquals(0xC8, b.in(0x3C9));
            assertEquals(0xFF_C8_80_01, b.vga.dacArgb(1));
        }

        @Test void sixBitComponentsScaleToFullIntensity() {
            b.out(0x3C8, 2);
            b.out(0x3C9, 0x3F);
            b.out(0x3C9, 0x20);
            b.out(0x3C9, 0x00);
            assertEquals(0xFF_FF_82_00, b.vga.dacArgb(2));
        }
    }

    @Nested class CrtController {
        @Test void protectBitLocksRegisters0To7ExceptLineCompareBit8() {
            b.crtc(0x11, 0x00);
            b.crtc(0x00, 0x5F);
            b.crtc(0x07, 0x00);
            b.crtc(0x11, 0x80);
            b.crtc(0x00, 0x12);
            b.crtc(0x07, 0xFF);
            assertEquals(0x5F, b.crtc(0x00));
            assertEquals(0x10, b.crtc(0x07));
        }

        @Test void registersFollowTheMiscOutputAddressSelect() {
            b.crtc(0x0E, 0x12);
            assertEquals(0xFF, b.in(0x3B5));
            b.out(0x3C2, 0x66);                 // mono addressing
            assertEquals(0xFF, b.in(0x3D5));
            b.out(0x3B4, 0x0E);
            assertEquals(0x12, b.in(0x3B5));
            assertEquals(0x66, b.in(0x3CC));
        }

        @Test void wordWriteToIndexPortWritesIndexThenData() {
            b.ports.write(0x3D4, 2, 0x340F);
            assertEquals(0x34, b.crtc(0x0F));
        }
    }

    @Nested class WriteModes {
        @BeforeEach void organise() {
            planar();
        }

        @Test void mode2WritesTheColourIntoBitsSelectedByTheBitMask() {
            loadPlanes(0x100, 0xAA, 0xAA, 0xAA, 0xAA);
            b.gc(5, 0x02);
            b.gc(8, 0x0F);
            b.peek(VgaTestBoard.WINDOW + 0x100);        // load latches
            b.poke(VgaTestBoard.WINDOW + 0x100, 0x05);  // colour 0101: planes 0 and 2 set
            assertEquals(0xAF, plane(0, 0x100));
            assertEquals(0xA0, plane(1, 0x100));
            assertEquals(0xAF, plane(2, 0x100));
            assertEquals(0xA0, plane(3, 0x100));
        }

        @Test void mode0UsesSetResetForEnabledPlanesAndRotatedDataForOthers() {
            b.gc(0, 0x03);       // set/reset: planes 0,1 -> 1s, 2,3 -> 0s
            b.gc(1, 0x05);       // enabled for planes 0 and 2
            b.gc(3, 0x01);       // rotate right by 1
            b.poke(VgaTestBoard.WINDOW + 0x10, 0x81);  // rotated: 0xC0
            assertEquals(0xFF, plane(0, 0x10));
            assertEquals(0xC0, plane(1, 0x10));
            assertEquals(0x00, plane(2, 0x10));
            assertEquals(0xC0, plane(3, 0x10));
        }

        @Test void mode0LogicalFunctionsCombineWithTheLatches() {
            loadPlanes(0x20, 0xF0, 0xF0, 0xF0, 0xF0);
            int[] expected = {0x3C, 0x30, 0xFC, 0xCC};  // replace, AND, OR, XOR with 0x3C
            for (int f = 0; f < 4; f++) {
                loadPlanes(0x20, 0xF0, 0xF0, 0xF0, 0xF0);
                b.gc(3, f << 3);
                b.peek(VgaTestBoard.WINDOW + 0x20);
                b.poke(VgaTestBoard.WINDOW + 0x20, 0x3C);
                assertEquals(expected[f], plane(1, 0x20), "function " + f);
            }
        }

        @Test void bitMaskKeepsLatchedBitsInMode0() {
            loadPlanes(0x30, 0x0F, 0x0F, 0x0F, 0x0F);
            b.gc(8, 0xC3);
            b.peek(VgaTestBoard.WINDOW + 0x30);
            b.poke(VgaTestBoard.WINDOW + 0x30, 0xF0);
            assertEquals(0xCC, plane(3, 0x30));  // (F0 & C3) | (0F & 3C)
        }

        @Test void mode1CopiesTheLatchesWhateverTheData() {
            loadPlanes(0x40, 0x11, 0x22, 0x33, 0x44);
            b.gc(5, 0x01);
            b.gc(8, 0x00);                       // mode 1 ignores the bit mask
            b.peek(VgaTestBoard.WINDOW + 0x40);
            b.poke(VgaTestBoard.WINDOW + 0x50, 0x99);
            assertEquals(List.of(0x11, 0x22, 0x33, 0x44),
                    List.of(plane(0, 0x50), plane(1, 0x50), plane(2, 0x50), plane(3, 0x50)));
        }

        @Test void mode3AndsRotatedDataWithTheBitMaskAndWritesSetReset() {
            loadPlanes(0x60, 0x00, 0xFF, 0x00, 0xFF);
            b.gc(5, 0x03);
            b.gc(0, 0x06);                       // colour 0110
            b.gc(8, 0xF0);
            b.peek(VgaTestBoard.WINDOW + 0x60);
            b.poke(VgaTestBoard.WINDOW + 0x60, 0x3C);  // effective mask 0x30
            assertEquals(0x00, plane(0, 0x60));
            assertEquals(0xFF, plane(1, 0x60));
            assertEquals(0x30, plane(2, 0x60));
            assertEquals(0xCF, plane(3, 0x60));
        }

        @Test void mapMaskLimitsWhichPlanesAreWritten() {
            b.seq(2, 0x0A);
            b.poke(VgaTestBoard.WINDOW + 0x70, 0x5A);
            assertEquals(List.of(0x00, 0x5A, 0x00, 0x5A),
                    List.of(plane(0, 0x70), plane(1, 0x70), plane(2, 0x70), plane(3, 0x70)));
        }
    }

    @Nested class ReadModes {
        @BeforeEach void organise() {
            planar();
        }

        @Test void mode0ReturnsThePlaneChosenByReadMapSelect() {
            loadPlanes(0x80, 0x11, 0x22, 0x33, 0x44);
            b.gc(4, 2);
            assertEquals(0x33, b.peek(VgaTestBoard.WINDOW + 0x80));
        }

        @Test void mode1SetsBitsWhosePixelsMatchTheColourCompare() {
            // Colour of each pixel (planes 3..0): bit 7 = 0101, bit 3 = 1000, bit 2 = 0100,
            // bit 1 = 0010, bit 0 = 1111; only bit 7 matches colour compare 0101.
            loadPlanes(0x90, 0b1000_0001, 0b0000_0011, 0b1000_0101, 0b0000_1001);
            b.gc(5, 0x08);
            b.gc(2, 0x05);
            b.gc(7, 0x0F);
            assertEquals(0x80, b.peek(VgaTestBoard.WINDOW + 0x90));
        }

        @Test void mode1IgnoresPlanesOutsideColourDontCare() {
            loadPlanes(0x91, 0xFF, 0x00, 0xF0, 0x0F);
            b.gc(5, 0x08);
            b.gc(2, 0x01);
            b.gc(7, 0x03);                        // compare planes 0 and 1 only
            assertEquals(0xFF, b.peek(VgaTestBoard.WINDOW + 0x91));
            b.gc(7, 0x07);                        // plane 2 too: it must be 0
            assertEquals(0x0F, b.peek(VgaTestBoard.WINDOW + 0x91));
        }

        @Test void readLoadsAllFourLatches() {
            loadPlanes(0xA0, 1, 2, 3, 4);
            b.peek(VgaTestBoard.WINDOW + 0xA0);
            b.gc(5, 0x01);
            b.poke(VgaTestBoard.WINDOW + 0xA1, 0);
            assertEquals(4, plane(3, 0xA1));
        }
    }

    @Nested class MemoryOrganisation {
        @Test void chain4SelectsThePlaneWithAddressBits1And0() {
            b.seq(4, 0x0E);
            b.gc(6, 0x05);
            b.seq(2, 0x0F);
            b.poke(VgaTestBoard.WINDOW + 0x1235, 0x77);
            assertEquals(0x77, plane(1, 0x1234));
            assertEquals(0x77, b.peek(VgaTestBoard.WINDOW + 0x1235));
            assertEquals(0x00, b.peek(VgaTestBoard.WINDOW + 0x1234));
        }

        @Test void chain4DataIsWhereUnchainedReadsFindIt() {
            b.seq(4, 0x0E);
            b.gc(6, 0x05);
            b.seq(2, 0x0F);
            b.poke(VgaTestBoard.WINDOW + 0x402, 0x5C);
            b.seq(4, 0x06);
            b.gc(4, 2);
            assertEquals(0x5C, b.peek(VgaTestBoard.WINDOW + 0x400));
        }

        @Test void oddEvenSendsEvenAddressesToPlane0AndOddToPlane1() {
            b.seq(4, 0x02);
            b.gc(5, 0x10);
            b.gc(6, 0x0E);
            b.seq(2, 0x03);
            b.poke(0xB8000 + 20, 'A');
            b.poke(0xB8000 + 21, 0x1F);
            assertEquals('A', plane(0, 20));
            assertEquals(0x1F, plane(1, 20));
            assertEquals(0x1F, b.peek(0xB8000 + 21));
        }

        @Test void memoryMapSelectDecidesWhichWindowAnswers() {
            b.seq(4, 0x06);
            b.gc(6, 0x0C);                        // B8000-BFFFF only
            b.gc(8, 0xFF);
            b.seq(2, 0x0F);
            b.poke(VgaTestBoard.WINDOW + 5, 0x12);
            assertEquals(0xFF, b.peek(VgaTestBoard.WINDOW + 5));
            assertEquals(0x00, plane(0, 5));
            b.poke(0xB8005, 0x34);
            assertEquals(0x34, plane(0, 5));
        }
    }

    @Nested class InputStatus1 {
        @BeforeEach void mode3() {
            StandardModes.set(b, StandardModes.MODE_03H);
        }

        // Mode 03h: 28.322 MHz, 9-dot characters, 100 character clocks per line (5Fh + 5),
        // 449 lines per frame (1BFh + 2): 31.78 us lines, the VGA's 70 Hz text refresh.
        private static final double LINE_NANOS = 100 * 9 * 1e9 / 28_322_000;

        private int statusAtLine(double line) {
            b.clock.advanceTo((long) (line * LINE_NANOS));
            return b.in(0x3DA);
        }

        @Test void verticalRetraceStartsAtTheRetraceStartLine() {
            assertEquals(0, statusAtLine(100.5) & 0x08);
            assertEquals(0x08, statusAtLine(0x19C + 0.5) & 0x08);   // CRTC 10h = 9Ch, overflow bit 8
            assertEquals(0x08, statusAtLine(0x19D + 0.5) & 0x08);
            assertEquals(0, statusAtLine(0x19E + 0.5) & 0x08);      // ends where 11h[3:0] = Eh matches
        }

        @Test void displayEnableBitIsSetDuringHorizontalBlanking() {
            assertEquals(0, statusAtLine(10.1) & 0x01);             // column 10 of 80 displayed
            assertEquals(0x01, statusAtLine(10.9) & 0x01);          // column 90: blanking
            assertEquals(0x01, statusAtLine(420.1) & 0x01);         // below line 400: blanking
        }

        @Test void retraceRepeatsEveryFrame() {
            double frame = 449;
            assertEquals(0x08, statusAtLine(frame * 70 + 0x19C + 0.5) & 0x08);
        }
    }

    @Nested class Robustness {
        @Test void unassignedOffsetsReadAllOnes() {
            assertEquals(0xFF, b.in(0x3B0));
            assertEquals(0xFF, b.in(0x3CD));
            b.out(0x3CD, 0x12);
        }

        @Test void unknownIndexedRegistersReadAllOnes() {
            b.out(0x3C4, 0x07);
            assertEquals(0xFF, b.in(0x3C5));
            b.out(0x3CE, 0x0F);
            assertEquals(0xFF, b.in(0x3CF));
            b.out(0x3D4, 0x30);
            assertEquals(0xFF, b.in(0x3D5));
        }
    }

    @Nested class Snapshot {
        private void scribble() {
            StandardModes.set(b, StandardModes.MODE_12H);
            TestPatterns.loadDac(b);
            b.out(0x3C7, 0x21);
            b.in(0x3C9);
            b.out(0x3C8, 0x40);
            b.out(0x3C9, 0x11);
            b.in(0x3DA);
            b.out(0x3C0, 0x13);
            b.peek(VgaTestBoard.WINDOW + 3);
        }

        @Test void roundTripsThroughAFreshInstance() {
            scribble();
            Vga.State saved = b.vga.saveState();
            try (VgaTestBoard fresh = new VgaTestBoard()) {
                fresh.vga.restoreState(saved);
                assertEquals(saved, fresh.vga.saveState());
            }
        }

        @Test void roundTripsThroughJackson() throws Exception {
            scribble();
            ObjectMapper json = new ObjectMapper();
            Vga.State saved = b.vga.saveState();
            Vga.State back = json.readValue(json.writeValueAsString(saved), Vga.State.class);
            assertEquals(saved, back);
        }

        @Test void restoredDeviceHasTheSameFuture() {
            scribble();
            try (VgaTestBoard fresh = new VgaTestBoard()) {
                fresh.vga.restoreState(b.vga.saveState());
                fresh.clock.advanceTo(b.clock.nanos());
                for (int step = 0; step < 200; step++) {
                    b.clock.advance(37_000);
                    fresh.clock.advance(37_000);
                    assertEquals(b.in(0x3DA), fresh.in(0x3DA), "status at step " + step);
                }
                b.out(0x3C0, 0x22);   // the flip-flop was mid-sequence: both take this as data
                fresh.out(0x3C0, 0x22);
                assertEquals(b.vga.saveState(), fresh.vga.saveState());
                assertEquals(b.in(0x3C9), fresh.in(0x3C9));
            }
        }

        @Test void resetReturnsToThePowerOnState() {
            scribble();
            b.vga.reset();
            try (VgaTestBoard fresh = new VgaTestBoard()) {
                assertEquals(fresh.vga.saveState(), b.vga.saveState());
            }
        }

        @Test void rejectsAStateWithTheWrongRegisterCount() {
            Vga.State s = b.vga.saveState();
            assertThrows(SnapshotFormatException.class, () -> new Vga.State(s.version(), s.misc(), s.featureControl(),
                    s.videoEnable(), s.seqIndex(), List.of(1, 2), s.crtcIndex(), s.crtc(), s.gcIndex(), s.gc(),
                    s.attrIndex(), s.attrExpectData(), s.attr(), s.pelMask(), s.dacReadIndex(), s.dacWriteIndex(),
                    s.dacSubIndex(), s.dacState(), s.dacCache(), s.dac(), s.latch()));
        }

        @Test void rejectsANewerVersion() {
            Vga.State s = b.vga.saveState();
            assertThrows(SnapshotFormatException.class, () -> new Vga.State(2, s.misc(), s.featureControl(),
                    s.videoEnable(), s.seqIndex(), s.seq(), s.crtcIndex(), s.crtc(), s.gcIndex(), s.gc(),
                    s.attrIndex(), s.attrExpectData(), s.attr(), s.pelMask(), s.dacReadIndex(), s.dacWriteIndex(),
                    s.dacSubIndex(), s.dacState(), s.dacCache(), s.dac(), s.latch()));
        }
    }
}
