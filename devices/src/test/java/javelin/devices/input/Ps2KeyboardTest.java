package javelin.devices.input;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javelin.softmmu.ManualClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The keyboard's host typeahead, driven through the controller's ports as a guest driver would.
 *
 * <p>Expected scan codes are the make codes of the IBM PS/2 "Scan Code Tables" (set 1 and
 * set 2, also the Microsoft Keyboard Scan Code Specification, appendix C), written out here;
 * break codes follow the tables' rule: set 1 sets bit 7 of the last byte, set 2 puts F0 before
 * it. Replies are the IBM reference's (FA acknowledge, AA self-test passed, AB 83 MF2 ID).
 */
class Ps2KeyboardTest {
    /** Make codes from the scan code tables: set 1, set 2. */
    private record Codes(List<Integer> set1, List<Integer> set2) { }

    private static final Map<KeyCode, Codes> TABLE = Map.ofEntries(
            plain(KeyCode.E, 0x12, 0x24), plain(KeyCode.C, 0x2E, 0x21), plain(KeyCode.H, 0x23, 0x33),
            plain(KeyCode.O, 0x18, 0x44), plain(KeyCode.SPACE, 0x39, 0x29), plain(KeyCode.LEFT_SHIFT, 0x2A, 0x12),
            plain(KeyCode.RIGHT_SHIFT, 0x36, 0x59), plain(KeyCode.W, 0x11, 0x1D), plain(KeyCode.I, 0x17, 0x43),
            plain(KeyCode.N, 0x31, 0x31), plain(KeyCode.MINUS, 0x0C, 0x4E), plain(KeyCode.DIGIT8, 0x09, 0x3E),
            plain(KeyCode.DIGIT2, 0x03, 0x1E), plain(KeyCode.PERIOD, 0x34, 0x49), plain(KeyCode.SLASH, 0x35, 0x4A),
            plain(KeyCode.D, 0x20, 0x23), plain(KeyCode.V, 0x2F, 0x2A), plain(KeyCode.T, 0x14, 0x2C),
            plain(KeyCode.Y, 0x15, 0x35), plain(KeyCode.S, 0x1F, 0x1B), plain(KeyCode.DIGIT0, 0x0B, 0x45),
            plain(KeyCode.ENTER, 0x1C, 0x5A), plain(KeyCode.A, 0x1E, 0x1C), plain(KeyCode.B, 0x30, 0x32),
            extended(KeyCode.UP, 0x48, 0x75), extended(KeyCode.DOWN, 0x50, 0x72), extended(KeyCode.LEFT, 0x4B, 0x6B),
            extended(KeyCode.RIGHT, 0x4D, 0x74), extended(KeyCode.HOME, 0x47, 0x6C), extended(KeyCode.END, 0x4F, 0x69),
            extended(KeyCode.DELETE, 0x53, 0x71), extended(KeyCode.INSERT, 0x52, 0x70),
            extended(KeyCode.PAGE_UP, 0x49, 0x7D), extended(KeyCode.RIGHT_CONTROL, 0x1D, 0x14),
            extended(KeyCode.KP_ENTER, 0x1C, 0x5A), extended(KeyCode.KP_DIVIDE, 0x35, 0x4A));

    private static Map.Entry<KeyCode, Codes> plain(KeyCode k, int set1, int set2) {
        return Map.entry(k, new Codes(List.of(set1), List.of(set2)));
    }

    private static Map.Entry<KeyCode, Codes> extended(KeyCode k, int set1, int set2) {
        return Map.entry(k, new Codes(List.of(0xE0, set1), List.of(0xE0, set2)));
    }

    private static List<Integer> expected(KeyCode k, boolean pressed, int set) {
        List<Integer> make = set == 1 ? TABLE.get(k).set1() : TABLE.get(k).set2();
        if (pressed) return make;
        List<Integer> out = new ArrayList<>(make.subList(0, make.size() - 1));
        int last = make.getLast();
        if (set == 1) {
            out.add(last | 0x80);
        } else {
            out.add(0xF0);
            out.add(last);
        }
        return out;
    }

    /** One host key event. */
    private record Event(KeyCode key, boolean pressed) { }

    /**
     * 40 keys pressed and released: "echo Win-82 >/dev/ttyS0" (W, > and S with left Shift held),
     * then the grey navigation keys, right Ctrl, keypad Enter and /, and ? with right Shift.
     */
    private static List<Event> fortyKeys() {
        List<Event> out = new ArrayList<>();
        KeyCode[] typed = {KeyCode.E, KeyCode.C, KeyCode.H, KeyCode.O, KeyCode.SPACE, null, KeyCode.I, KeyCode.N,
                           KeyCode.MINUS, KeyCode.DIGIT8, KeyCode.DIGIT2, KeyCode.SPACE, null, KeyCode.SLASH, KeyCode.D,
                           KeyCode.E, KeyCode.V, KeyCode.SLASH, KeyCode.T, KeyCode.T, KeyCode.Y, null, KeyCode.DIGIT0};
        KeyCode[] shifted = {KeyCode.W, KeyCode.PERIOD, KeyCode.S};
        int s = 0;
        for (KeyCode k : typed) {
            if (k == null) {
                out.add(new Event(KeyCode.LEFT_SHIFT, true));
                tap(out, shifted[s++]);
                out.add(new Event(KeyCode.LEFT_SHIFT, false));
            } else {
                tap(out, k);
            }
        }
        for (KeyCode k : List.of(KeyCode.UP, KeyCode.DOWN, KeyCode.LEFT, KeyCode.RIGHT, KeyCode.HOME, KeyCode.END,
                KeyCode.DELETE, KeyCode.INSERT, KeyCode.PAGE_UP, KeyCode.KP_DIVIDE, KeyCode.KP_ENTER, KeyCode.ENTER)) {
            tap(out, k);
        }
        out.add(new Event(KeyCode.RIGHT_CONTROL, true));      // right Ctrl held across a key
        tap(out, KeyCode.C);
        out.add(new Event(KeyCode.RIGHT_CONTROL, false));
        out.add(new Event(KeyCode.RIGHT_SHIFT, true));
        tap(out, KeyCode.SLASH);
        out.add(new Event(KeyCode.RIGHT_SHIFT, false));
        return out;
    }

    private static void tap(List<Event> out, KeyCode k) {
        out.add(new Event(k, true));
        out.add(new Event(k, false));
    }

    private static List<Integer> expectedStream(List<Event> events, int set) {
        List<Integer> out = new ArrayList<>();
        for (Event e : events) out.addAll(expected(e.key(), e.pressed(), set));
        return out;
    }

    private ManualClock clock;
    private I8042 kbc;

    @BeforeEach
    void setUp() {
        clock = new ManualClock();
        kbc = new I8042(0x60, clock, h -> { }, h -> { }, h -> { }, h -> { });
    }

    private void command(int v) { kbc.ioWrite(0x64, 1, v); }

    private void data(int v) { kbc.ioWrite(0x60, 1, v); }

    private boolean outputBufferFull() { return (kbc.ioRead(0x64, 1) & 0x01) != 0; }

    private List<Integer> read(int count) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            assertTrue(outputBufferFull(), "byte " + i + " of " + count + " is there");
            out.add(kbc.ioRead(0x60, 1));
        }
        return out;
    }

    private List<Integer> drain() {
        List<Integer> out = new ArrayList<>();
        while (outputBufferFull()) out.add(kbc.ioRead(0x60, 1));
        return out;
    }

    /** Command byte: keyboard interrupt on, translation as asked (Linux's i8042 driver turns it on). */
    private void translation(boolean on) {
        command(0x60);
        data(on ? 0x41 : 0x01);
    }

    private void send(List<Event> events) {
        for (Event e : events) {
            if (e.pressed()) kbc.pressKey(e.key()); else kbc.releaseKey(e.key());
        }
    }

    @Nested
    class Burst {
        @Test
        void fortyKeysTypedWhileTheGuestReadsNothingArriveWholeAndInOrderTranslated() {
            translation(true);
            List<Event> events = fortyKeys();
            send(events);
            List<Integer> stream = drain();
            assertEquals(expectedStream(events, 1), stream);
            assertFalse(stream.contains(0x00), "no overrun code");
            assertTrue(stream.size() > 6 * Ps2Keyboard.OUTPUT_BUFFER_SIZE, "far more than the keyboard's buffer holds");
        }

        @Test
        void fortyKeysInRawSet2() {
            translation(false);
            List<Event> events = fortyKeys();
            send(events);
            List<Integer> stream = drain();
            assertEquals(expectedStream(events, 2), stream);
            assertFalse(stream.contains(0x00), "no overrun code");
        }

        @Test
        void readsInterleavedWithHostEventsLoseNothing() {
            translation(true);
            List<Event> events = fortyKeys();
            Random random = new Random(42);
            List<Integer> stream = new ArrayList<>();
            for (Event e : events) {
                if (e.pressed()) kbc.pressKey(e.key()); else kbc.releaseKey(e.key());
                for (int reads = random.nextInt(3); reads > 0 && outputBufferFull(); reads--) stream.add(kbc.ioRead(0x60, 1));
            }
            stream.addAll(drain());
            assertEquals(expectedStream(events, 1), stream);
        }

        @Test
        void pauseBehindAFullBufferArrivesAsItsWholeSequence() {
            translation(false);
            for (int i = 0; i < 14; i++) kbc.pressKey(KeyCode.A);                  // 14 bytes of 1C
            kbc.pressKey(KeyCode.PAUSE);
            kbc.pressKey(KeyCode.B);
            List<Integer> want = new ArrayList<>();
            for (int i = 0; i < 14; i++) want.add(0x1C);
            want.addAll(List.of(0xE1, 0x14, 0x77, 0xE1, 0xF0, 0x14, 0xF0, 0x77, 0x32));
            assertEquals(want, drain());
        }

        @Test
        void keysPressedWhileTheKeyboardPortIsDisabledWaitForIt() {
            translation(false);
            command(0xAD);
            List<Event> events = fortyKeys();
            send(events);
            assertFalse(outputBufferFull());
            command(0xAE);
            assertEquals(expectedStream(events, 2), drain());
        }
    }

    @Nested
    class CommandsDuringTypeahead {
        @Test
        void setLedsIsAcknowledgedAheadOfTheWaitingKeys() {
            translation(true);
            List<Integer> keys = expectedStream(fortyKeys(), 1);
            send(fortyKeys());
            List<Integer> stream = new ArrayList<>(read(3));
            data(0xED);
            // The fourth key byte is already in the controller's output buffer; the ACK follows it.
            assertEquals(List.of(keys.get(3), 0xFA), read(2));
            assertFalse(outputBufferFull(), "keys wait for the LED byte");
            data(0x02);
            assertEquals(List.of(0xFA), read(1));
            stream.add(keys.get(3));
            stream.addAll(drain());
            assertEquals(keys, stream, "the keys around the command are all there, in order");
            assertEquals(0x02, kbc.keyboardLeds());
        }

        @Test
        void enableIsAcknowledgedAndKeepsTheWaitingKeys() {
            translation(false);
            List<Integer> keys = expectedStream(fortyKeys(), 2);
            send(fortyKeys());
            data(0xF4);
            List<Integer> stream = drain();
            assertEquals(keys.getFirst(), stream.getFirst());
            assertEquals(0xFA, stream.get(1));
            stream.remove(1);
            assertEquals(keys, stream);
        }

        @Test
        void identifyRepliesComeTogetherBeforeTheKeys() {
            translation(false);
            List<Integer> keys = expectedStream(fortyKeys(), 2);
            send(fortyKeys());
            assertEquals(keys.subList(0, 5), read(5));
            data(0xF2);
            assertEquals(List.of(keys.get(5), 0xFA, 0xAB, 0x83), read(4));
            assertEquals(keys.subList(6, keys.size()), drain());
        }

        @Test
        void repliesToCommandsNotYetReadStillComeBeforeTheKeys() {
            translation(false);
            data(0xF2);                      // FA goes to the controller; AB 83 wait in the keyboard
            kbc.pressKey(KeyCode.A);
            data(0xEE);
            assertEquals(List.of(0xFA, 0xAB, 0x83, 0xEE, 0x1C), drain());
        }

        @Test
        void commandsWrittenWithoutReadingOverflowTheReplyQueueIntoTheOverrunCode() {
            translation(false);
            kbc.pressKey(KeyCode.A);
            for (int i = 0; i < 20; i++) data(0xEE);
            List<Integer> want = new ArrayList<>(List.of(0x1C));      // in the controller before the first command
            for (int i = 0; i < Ps2Keyboard.REPLY_QUEUE_SIZE - 1; i++) want.add(0xEE);
            want.add(0x00);
            assertEquals(want, drain());
        }

        @Test
        void noKeyComesBetweenACommandsAckAndItsParametersAck() {
            translation(false);
            List<Integer> keys = expectedStream(fortyKeys(), 2);
            send(fortyKeys());
            List<Integer> stream = new ArrayList<>(read(1));
            data(0xF0);
            assertEquals(List.of(keys.get(1), 0xFA), read(2), "the byte the controller held, then the ACK");
            assertFalse(outputBufferFull(), "scanning halts while the keyboard waits for the option byte");
            data(0x00);
            assertEquals(List.of(0xFA, 0x02), read(2));
            stream.add(keys.get(1));
            stream.addAll(drain());
            assertEquals(keys, stream);
        }

        @Test
        void defaultDisableClearsTheTypeaheadAndIgnoresKeysUntilEnabled() {
            translation(false);
            send(fortyKeys());
            data(0xF5);
            assertEquals(List.of(0x24, 0xFA), drain(), "the byte the controller held (E), then the ACK; nothing else");
            kbc.pressKey(KeyCode.A);
            assertEquals(List.of(), drain());
            data(0xF4);
            kbc.pressKey(KeyCode.B);
            assertEquals(List.of(0xFA, 0x32), drain());
        }

        @Test
        void resetClearsTheTypeahead() {
            translation(false);
            send(fortyKeys());
            data(0xFF);
            assertEquals(List.of(0x24, 0xFA, 0xAA), drain());
            kbc.pressKey(KeyCode.B);
            assertEquals(List.of(0x32), drain());
        }
    }

    @Nested
    class Bound {
        @Test
        void beyondTheLimitTheNewestEventsAreDropped() {
            translation(false);
            data(0xF0);                       // scan code set 1 without translation: one byte per event
            data(0x01);
            assertEquals(List.of(0xFA, 0xFA), drain());
            // Held by the controller (1) and the output buffer (16), then the typeahead.
            int held = 1 + Ps2Keyboard.OUTPUT_BUFFER_SIZE + Ps2Keyboard.TYPEAHEAD_LIMIT;
            for (int i = 0; i < held + 50; i++) {
                if (i % 2 == 0) kbc.pressKey(KeyCode.A); else kbc.releaseKey(KeyCode.A);
            }
            List<Integer> stream = drain();
            assertEquals(held, stream.size());
            for (int i = 0; i < held; i++) assertEquals(i % 2 == 0 ? 0x1E : 0x9E, stream.get(i), "byte " + i);
            kbc.pressKey(KeyCode.B);
            assertEquals(List.of(0x30), drain(), "room again once the guest has read");
        }
    }

    @Nested
    class Typematic {
        @Test
        void aRepeatNeverOvertakesWaitingKeys() {
            translation(false);
            List<Event> events = fortyKeys();
            send(events);
            kbc.pressKey(KeyCode.B);             // held, behind the burst
            clock.advance(600_000_000L);         // past the 500 ms delay: this repeat is skipped
            List<Integer> want = expectedStream(events, 2);
            want.add(0x32);
            assertEquals(want, drain());
            clock.advance(92_000_000L);          // one period (11/120 s) later, with nothing waiting
            assertEquals(List.of(0x32), drain());
        }

        @Test
        void repeatsIntoAFullBufferAreSkippedWithoutAnOverrunCode() {
            translation(false);
            kbc.pressKey(KeyCode.B);
            clock.advance(10_000_000_000L);      // about 100 repeats, nobody reading
            List<Integer> stream = drain();
            assertEquals(1 + Ps2Keyboard.OUTPUT_BUFFER_SIZE, stream.size(), "the controller's byte and a full buffer");
            for (int b : stream) assertEquals(0x32, b);
            kbc.releaseKey(KeyCode.B);
            assertEquals(List.of(0xF0, 0x32), drain(), "the release still arrives");
        }
    }
}
