package javelin.devices.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import javelin.softmmu.ManualClock;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.StateJson;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Expected values from the IBM PS/2 keyboard controller reference (commands, replies, scan
 * codes) and the Microsoft IntelliMouse protocol note.
 */
class I8042Test {
    private ManualClock clock;
    private boolean irq1, irq12, a20;
    private int resets;
    private I8042 kbc;

    @BeforeEach
    void setUp() {
        clock = new ManualClock();
        kbc = newController(clock);
    }

    private I8042 newController(ManualClock c) {
        return new I8042(0x60, c, h -> irq1 = h, h -> irq12 = h, h -> a20 = h, h -> { if (h) resets++; });
    }

    private void command(int v) { kbc.ioWrite(0x64, 1, v); }

    private void data(int v) { kbc.ioWrite(0x60, 1, v); }

    private int status() { return kbc.ioRead(0x64, 1); }

    /** Reads every byte the controller has, as a polling driver would. */
    private List<Integer> drain() {
        List<Integer> out = new ArrayList<>();
        while ((status() & 0x01) != 0) out.add(kbc.ioRead(0x60, 1));
        return out;
    }

    private void writeCommandByte(int v) {
        command(0x60);
        data(v);
    }

    @Nested
    class Controller {
        @Test
        void selfTestReturns55AndSetsSystemFlag() {
            command(0xAA);
            assertEquals(0x01, status() & 0x01);
            assertEquals(0x04, status() & 0x04);
            assertEquals(List.of(0x55), drain());
        }

        @Test
        void interfaceTestsReturnZero() {
            command(0xAB);
            assertEquals(List.of(0x00), drain());
            command(0xA9);
            assertEquals(List.of(0x00), drain());
        }

        @Test
        void powerOnStateReportsUnlockedKeyboardAndA20Enabled() {
            assertEquals(0x18, status(), "A2 and INH set, buffer empty, SYS clear before self-test");
            command(0xD0);
            assertEquals(List.of(0xCF), drain());
            command(0x20);
            assertEquals(List.of(0x03), drain());
        }

        @Test
        void commandByteReadsBackAndSetsSys() {
            writeCommandByte(0x65);
            command(0x20);
            assertEquals(List.of(0x65), drain());
            assertEquals(0x04, status() & 0x04);
        }

        @Test
        void statusA2TellsWhetherTheLastWriteWasACommand() {
            command(0xAD);
            assertEquals(0x08, status() & 0x08);
            data(0xF4);
            assertEquals(0x00, status() & 0x08);
        }

        @Test
        void disableAndEnablePortsSetCommandByteBits() {
            command(0xAD);
            command(0xA7);
            command(0x20);
            assertEquals(0x30, drain().getFirst() & 0x30);
            command(0xAE);
            command(0xA8);
            command(0x20);
            assertEquals(0x00, drain().getFirst() & 0x30);
        }

        @Test
        void ramBytesReadBack() {
            command(0x65);
            data(0x3C);
            command(0x25);
            assertEquals(List.of(0x3C), drain());
        }

        @Test
        void outputPortControlsA20AndReset() {
            assertTrue(a20, "A20 enabled at power-on");
            command(0xD1);
            data(0x01);
            assertFalse(a20);
            assertEquals(0, resets);
            command(0xD0);
            assertEquals(0x01, drain().getFirst() & 0x03);
            command(0xD1);
            data(0x02);
            assertTrue(a20);
            assertEquals(1, resets, "bit 0 written as 0 resets the CPU");
        }

        @Test
        void pulseCommandFeResets() {
            command(0xFE);
            assertEquals(1, resets);
            command(0xFF);
            assertEquals(1, resets);
        }

        @Test
        void a20CommandsDdAndDf() {
            command(0xDD);
            assertFalse(a20);
            command(0xDF);
            assertTrue(a20);
        }

        @Test
        void writeKeyboardAndAuxBuffersLookLikeDeviceData() {
            command(0xD2);
            data(0x1C);
            assertTrue(irq1);
            assertEquals(List.of(0x1C), drain());
            command(0xD3);
            data(0x08);
            assertTrue(irq12);
            assertEquals(0x21, status() & 0x21);
            assertEquals(List.of(0x08), drain());
        }

        @Test
        void emptyOutputBufferRereadsLastByte() {
            command(0xAA);
            drain();
            assertEquals(0x55, kbc.ioRead(0x60, 1));
        }
    }

    @Nested
    class Keyboard {
        @Test
        void resetAnswersAckThenBatSuccess() {
            data(0xFF);
            assertEquals(List.of(0xFA, 0xAA), drain());
        }

        @Test
        void identifyGivesMf2Id() {
            data(0xF2);
            assertEquals(List.of(0xFA, 0xAB, 0x83), drain());
        }

        @Test
        void identifyThroughTranslationGivesAb41() {
            writeCommandByte(0x41);
            data(0xF2);
            assertEquals(List.of(0xFA, 0xAB, 0x41), drain());
        }

        @Test
        void echoAndLeds() {
            data(0xEE);
            assertEquals(List.of(0xEE), drain());
            data(0xED);
            data(0x04);
            assertEquals(List.of(0xFA, 0xFA), drain());
            assertEquals(0x04, kbc.keyboardLeds());
        }

        @Test
        void scanCodeSetGetAndSet() {
            data(0xF0);
            data(0x00);
            assertEquals(List.of(0xFA, 0xFA, 0x02), drain());
            data(0xF0);
            data(0x01);
            data(0xF0);
            data(0x00);
            assertEquals(List.of(0xFA, 0xFA, 0xFA, 0xFA, 0x01), drain());
        }

        @Test
        void unknownCommandAsksForResend() {
            data(0xD9);
            assertEquals(List.of(0xFE), drain());
        }

        @Test
        void set2MakeAndBreakWithoutTranslation() {
            writeCommandByte(0x01);
            kbc.pressKey(KeyCode.A);
            kbc.releaseKey(KeyCode.A);
            assertEquals(List.of(0x1C, 0xF0, 0x1C), drain());
        }

        @Test
        void translationTurnsSet2IntoSet1() {
            writeCommandByte(0x41);
            kbc.pressKey(KeyCode.A);
            kbc.releaseKey(KeyCode.A);
            kbc.pressKey(KeyCode.RIGHT_CONTROL);
            kbc.releaseKey(KeyCode.RIGHT_CONTROL);
            kbc.pressKey(KeyCode.F7);
            assertEquals(List.of(0x1E, 0x9E, 0xE0, 0x1D, 0xE0, 0x9D, 0x41), drain());
        }

        @Test
        void keyboardSet1WithoutTranslation() {
            writeCommandByte(0x01);
            data(0xF0);
            data(0x01);
            drain();
            kbc.pressKey(KeyCode.ENTER);
            kbc.releaseKey(KeyCode.KP_ENTER);
            assertEquals(List.of(0x1C, 0xE0, 0x9C), drain());
        }

        @Test
        void printScreenAndPauseSequences() {
            writeCommandByte(0x01);
            kbc.pressKey(KeyCode.PRINT_SCREEN);
            kbc.releaseKey(KeyCode.PRINT_SCREEN);
            assertEquals(List.of(0xE0, 0x12, 0xE0, 0x7C, 0xE0, 0xF0, 0x7C, 0xE0, 0xF0, 0x12), drain());
            kbc.pressKey(KeyCode.PAUSE);
            kbc.releaseKey(KeyCode.PAUSE);
            assertEquals(List.of(0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77), drain());
        }

        @Test
        void pauseThroughTranslationIsTheSet1Sequence() {
            writeCommandByte(0x41);
            kbc.pressKey(KeyCode.PAUSE);
            assertEquals(List.of(0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5), drain());
        }

        @Test
        void byteInTheBufferRaisesIrq1WhenEnabled() {
            writeCommandByte(0x00);
            kbc.pressKey(KeyCode.Q);
            assertFalse(irq1);
            assertEquals(0x01, status() & 0x21);
            writeCommandByte(0x01);
            assertTrue(irq1);
            kbc.ioRead(0x60, 1);
            assertFalse(irq1);
        }

        @Test
        void disabledKeyboardPortHoldsKeysUntilEnabled() {
            command(0xAD);
            kbc.pressKey(KeyCode.Q);
            assertEquals(0, status() & 0x01);
            command(0xAE);
            assertEquals(List.of(0x15), drain());
        }

        @Test
        void sendingToTheKeyboardReenablesItsPort() {
            command(0xAD);
            data(0xF2);
            assertEquals(List.of(0xFA, 0xAB, 0x83), drain());
            command(0x20);
            assertEquals(0, drain().getFirst() & 0x10);
        }

        @Test
        void disabledScanningSendsNoKeys() {
            data(0xF5);
            drain();
            kbc.pressKey(KeyCode.Q);
            assertEquals(List.of(), drain());
            data(0xF4);
            drain();
            kbc.pressKey(KeyCode.Q);
            assertEquals(List.of(0x15), drain());
        }
    }

    @Nested
    class FirmwareSequence {
        @Test
        void seaBiosStyleInitializationThenTyping() {
            command(0xAA);
            assertEquals(List.of(0x55), drain());
            command(0xAB);
            assertEquals(List.of(0x00), drain());
            writeCommandByte(0x30);                 // both ports disabled, no interrupts
            data(0xFF);
            assertEquals(List.of(0xFA, 0xAA), drain());
            data(0xF5);
            assertEquals(List.of(0xFA), drain());
            data(0xF0);
            data(0x02);
            assertEquals(List.of(0xFA, 0xFA), drain());
            data(0xF4);
            assertEquals(List.of(0xFA), drain());
            writeCommandByte(0x61);                 // aux disabled, translation, keyboard IRQ
            kbc.pressKey(KeyCode.A);
            assertTrue(irq1);
            assertEquals(List.of(0x1E), drain());
            assertFalse(irq1);
            assertFalse(irq12);
        }
    }

    @Nested
    class Typematic {
        @Test
        void defaultRepeatStartsAfter500MsAt10Point9PerSecond() {
            writeCommandByte(0x00);
            kbc.pressKey(KeyCode.B);
            clock.advance(499_999_999);
            assertEquals(List.of(0x32), drain());
            clock.advance(1);
            assertEquals(List.of(0x32), drain());
            clock.advance(1_000_000_000L);
            assertEquals(10, drain().size(), "period 11/120 s = 91.67 ms");
        }

        @Test
        void typematicCommandSetsFastestRateAndShortestDelay() {
            writeCommandByte(0x00);
            data(0xF3);
            data(0x00);
            assertEquals(List.of(0xFA, 0xFA), drain());
            kbc.pressKey(KeyCode.B);
            int received = drain().size();
            for (int ms = 0; ms < 1250; ms += 10) {
                clock.advance(10_000_000L);
                received += drain().size();
            }
            assertEquals(1 + 1 + 30, received, "make, repeat at 250 ms, then 30 per second");
        }

        @Test
        void releaseStopsRepeat() {
            writeCommandByte(0x00);
            kbc.pressKey(KeyCode.B);
            kbc.releaseKey(KeyCode.B);
            clock.advance(2_000_000_000L);
            assertEquals(List.of(0x32, 0xF0, 0x32), drain());
        }
    }

    @Nested
    class Mouse {
        private void mouseCommand(int v) {
            command(0xD4);
            data(v);
        }

        @Test
        void resetAnswersAckBatAndId() {
            mouseCommand(0xFF);
            assertEquals(List.of(0xFA, 0xAA, 0x00), drain());
        }

        @Test
        void streamModePacketAfterEnable() {
            mouseCommand(0xF4);
            drain();
            kbc.mouseMove(5, 3, 0, 0x01);
            assertEquals(List.of(0x08 | 0x01 | 0x20, 5, 0xFD), drain());
        }

        @Test
        void noPacketsWhileReportingDisabled() {
            kbc.mouseMove(5, 3, 0, 0);
            assertEquals(List.of(), drain());
        }

        @Test
        void mouseBytesRaiseIrq12AndSetAuxb() {
            writeCommandByte(0x03);
            mouseCommand(0xF2);
            assertTrue(irq12);
            assertFalse(irq1);
            assertEquals(0x21, status() & 0x21);
            assertEquals(List.of(0xFA, 0x00), drain());
        }

        @Test
        void intelliMouseMagicSequenceGivesId3AndFourBytePackets() {
            for (int rate : new int[] {200, 100, 80}) {
                mouseCommand(0xF3);
                mouseCommand(rate);
            }
            mouseCommand(0xF2);
            assertEquals(List.of(0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0xFA, 0x03), drain());
            mouseCommand(0xF4);
            drain();
            kbc.mouseMove(-2, 0, -1, 0x04);
            assertEquals(List.of(0x08 | 0x04 | 0x10, 0xFE, 0x00, 0xFF), drain());
        }

        @Test
        void explorerSequenceAfterIntelliMouseGivesId4() {
            for (int rate : new int[] {200, 100, 80, 200, 200, 80}) {
                mouseCommand(0xF3);
                mouseCommand(rate);
            }
            mouseCommand(0xF2);
            assertEquals(0x04, drain().getLast());
            mouseCommand(0xF4);
            drain();
            kbc.mouseMove(0, 0, 1, 0x08);
            assertEquals(List.of(0x08, 0, 0, 0x11), drain());
        }

        @Test
        void statusRequestReportsModeRateAndResolution() {
            mouseCommand(0xF3);
            mouseCommand(40);
            mouseCommand(0xE8);
            mouseCommand(3);
            mouseCommand(0xF4);
            drain();
            mouseCommand(0xE9);
            assertEquals(List.of(0xFA, 0x20, 3, 40), drain());
        }

        @Test
        void largeMovementIsSplitIntoPackets() {
            mouseCommand(0xF4);
            drain();
            kbc.mouseMove(300, 0, 0, 0);
            assertEquals(List.of(0x08, 255, 0, 0x08, 45, 0), drain());
        }

        @Test
        void wrapModeEchoes() {
            mouseCommand(0xEE);
            mouseCommand(0x42);
            mouseCommand(0xEC);
            assertEquals(List.of(0xFA, 0x42, 0xFA), drain());
        }

        @Test
        void disabledAuxPortHoldsMouseBytes() {
            mouseCommand(0xF4);
            drain();
            command(0xA7);
            kbc.mouseMove(1, 0, 0, 0);
            assertEquals(List.of(), drain());
            command(0xA8);
            assertEquals(List.of(0x08, 1, 0), drain());
        }

        @Test
        void sendingToTheMouseReenablesTheAuxPort() {
            command(0xA7);
            mouseCommand(0xF2);
            assertEquals(List.of(0xFA, 0x00), drain());
        }
    }

    @Nested
    class Snapshot {
        private void busy() {
            writeCommandByte(0x47);
            for (int rate : new int[] {200, 100, 80}) {
                command(0xD4);
                data(0xF3);
                command(0xD4);
                data(rate);
            }
            command(0xD4);
            data(0xF4);
            drain();
            kbc.pressKey(KeyCode.LEFT_SHIFT);
            kbc.pressKey(KeyCode.Z);
            kbc.mouseMove(3, 4, 1, 1);
            kbc.ioRead(0x60, 1);
            command(0xD1);
            clock.advance(300_000_000L);
        }

        @Test
        void roundTripThroughJson() throws Exception {
            busy();
            I8042.State saved = kbc.saveState();
            ObjectMapper json = new ObjectMapper();
            I8042.State read = json.readValue(json.writeValueAsString(saved), I8042.State.class);
            assertEquals(saved, read);
            I8042 fresh = newController(new ManualClock(clock.nanos()));
            fresh.restoreState(read);
            assertEquals(saved, fresh.saveState());
        }

        @Test
        void restoredControllerHasTheSameFuture() {
            busy();
            I8042.State saved = kbc.saveState();
            ManualClock otherClock = new ManualClock(clock.nanos());
            I8042 other = newController(otherClock);
            other.restoreState(saved);
            clock.advance(1_000_000_000L);
            otherClock.advance(1_000_000_000L);
            List<Integer> mine = drain();
            List<Integer> theirs = new ArrayList<>();
            while ((other.ioRead(0x64, 1) & 1) != 0) theirs.add(other.ioRead(0x60, 1));
            assertEquals(mine, theirs);
            assertTrue(mine.size() > 10, "typematic repeats of Z continued");
        }

        @Test
        void rejectsShortRam() {
            I8042.State s = kbc.saveState();
            assertThrows(SnapshotFormatException.class, () -> new I8042.State(I8042.State.VERSION, List.of(0), s.outputPort(),
                    false, false, -1, List.of(), false, false, false, 0, s.keyboard(), s.mouse()));
        }

        @Test
        void roundTripKeepsKeysTypedAhead() throws Exception {
            writeCommandByte(0x41);
            for (KeyCode k : List.of(KeyCode.H, KeyCode.E, KeyCode.L, KeyCode.L, KeyCode.O, KeyCode.SPACE,
                    KeyCode.RIGHT_CONTROL, KeyCode.UP, KeyCode.DOWN, KeyCode.ENTER)) {
                kbc.pressKey(k);
                kbc.releaseKey(k);
            }
            I8042.State saved = kbc.saveState();
            assertTrue(saved.keyboard().typeahead().size() > 2, "a burst longer than the keyboard's buffer");
            ObjectMapper json = new ObjectMapper();
            I8042.State read = read(json.readTree(json.writeValueAsString(saved)));
            assertEquals(saved, read);
            I8042 fresh = newController(new ManualClock(clock.nanos()));
            fresh.restoreState(read);
            assertEquals(saved, fresh.saveState());
            List<Integer> theirs = new ArrayList<>();
            while ((fresh.ioRead(0x64, 1) & 1) != 0) theirs.add(fresh.ioRead(0x60, 1));
            assertEquals(List.of(0x23, 0xA3, 0x12, 0x92, 0x26, 0xA6, 0x26, 0xA6, 0x18, 0x98, 0x39, 0xB9,
                    0xE0, 0x1D, 0xE0, 0x9D, 0xE0, 0x48, 0xE0, 0xC8, 0xE0, 0x50, 0xE0, 0xD0, 0x1C, 0x9C), theirs,
                    "set 1 codes of the IBM table, none lost across the restore");
        }

        @Test
        void rejectsATypeaheadKeyThatDoesNotExist() {
            I8042.State s = kbc.saveState();
            SnapshotFormatException e = assertThrows(SnapshotFormatException.class,
                    () -> new Ps2Keyboard.HostKey("ANY_KEY", true));
            assertEquals("typeahead", e.field());
            assertThrows(SnapshotFormatException.class, () -> keyboardWith(s.keyboard(), List.of(0x1C),
                    java.util.Collections.nCopies(Ps2Keyboard.TYPEAHEAD_LIMIT + 1, new Ps2Keyboard.HostKey("A", true))));
        }

        @Test
        void rejectsATypeaheadWhoseFirstKeyWouldFit() {
            I8042.State s = kbc.saveState();
            SnapshotFormatException e = assertThrows(SnapshotFormatException.class,
                    () -> keyboardWith(s.keyboard(), List.of(0x1C), List.of(new Ps2Keyboard.HostKey("A", false))));
            assertEquals("typeahead", e.field());
            List<Integer> full = java.util.Collections.nCopies(Ps2Keyboard.OUTPUT_BUFFER_SIZE - 1, 0x1C);
            assertEquals(1, keyboardWith(s.keyboard(), full, List.of(new Ps2Keyboard.HostKey("A", false))).typeahead().size(),
                    "F0 1C does not fit behind 15 bytes");
        }

        private static Ps2Keyboard.State keyboardWith(Ps2Keyboard.State k, List<Integer> outputBuffer,
                                                      List<Ps2Keyboard.HostKey> typeahead) {
            return new Ps2Keyboard.State(k.replies(), outputBuffer, typeahead, k.scanSet(), k.scanning(), k.leds(),
                    k.typematic(), k.pendingCommand(), k.lastSent(), k.repeatingKey(), k.repeatDeadline());
        }

        private static I8042.State read(com.fasterxml.jackson.databind.JsonNode tree) {
            return StateJson.read(new ObjectMapper(), tree, I8042.State.class, I8042.State.VERSION, I8042.State.UPGRADES, "i8042");
        }

        private com.fasterxml.jackson.databind.JsonNode fixture(String name) throws java.io.IOException {
            try (var in = getClass().getResourceAsStream("/state/" + name)) {
                return new ObjectMapper().readTree(in);
            }
        }

        @Test
        void loadsTheVersion1FixtureThroughItsUpgrader() throws Exception {
            I8042.State upgraded = read(fixture("i8042-v1.json"));
            assertEquals(I8042.State.VERSION, upgraded.version());
            assertEquals(List.of(), upgraded.keyboard().typeahead());
            assertEquals(List.of(), upgraded.keyboard().replies());
            kbc.restoreState(upgraded);
            kbc.pressKey(KeyCode.A);
            assertEquals(List.of(0x1E), drain(), "translated set 2");
            kbc.mouseMove(1, 0, 0, 0);
            assertEquals(List.of(0x08, 1, 0, 0), drain(), "IntelliMouse packet");
        }

        @Test
        void version1KeyboardQueueBecomesTheOutputBufferInOrder() throws Exception {
            var tree = (com.fasterxml.jackson.databind.node.ObjectNode) fixture("i8042-v1.json");
            ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("keyboard")).putArray("queue").add(0xFA).add(0x1C);
            I8042.State upgraded = read(tree);
            assertEquals(List.of(0xFA, 0x1C), upgraded.keyboard().outputBuffer());
            kbc.restoreState(upgraded);
            command(0xAE);                       // loads the output buffer from the keyboard
            assertEquals(List.of(0xFA, 0x1E), drain());
        }

        @Test
        void version1BoundDirectlyIsRefusedNotMisread() {
            Exception e = assertThrows(Exception.class, () -> {
                try (var in = getClass().getResourceAsStream("/state/i8042-v1.json")) {
                    new ObjectMapper().readValue(in, I8042.State.class);
                }
            });
            Throwable t = e;
            while (t != null && !(t instanceof SnapshotFormatException)) t = t.getCause();
            assertTrue(t instanceof SnapshotFormatException, String.valueOf(e));
        }

        @Test
        void loadsTheVersion2Fixture() throws Exception {
            kbc.restoreState(read(fixture("i8042-v2.json")));
            assertTrue(irq1, "the ACK in the output buffer raises IRQ 1");
            assertEquals(List.of(0xFA), drain(), "the ACK to ED; keys wait for the LED byte");
            data(0x04);
            assertEquals(List.of(0xFA,
                    0x2A, 0x1E, 0x9E, 0xAA, 0x30, 0xB0, 0xE0, 0x48, 0xE0, 0x1D, 0x2E,       // buffered
                    0xE0, 0xC8, 0xE0, 0x9D, 0xAE, 0x1C, 0x9C), drain());                      // typed ahead
            assertEquals(0x04, kbc.keyboardLeds());
        }

        @Test
        void aNewerVersionIsRefused() throws Exception {
            var tree = (com.fasterxml.jackson.databind.node.ObjectNode) fixture("i8042-v2.json");
            tree.put("version", I8042.State.VERSION + 1);
            SnapshotFormatException e = assertThrows(SnapshotFormatException.class, () -> read(tree));
            assertEquals("i8042", e.component());
        }
    }
}
