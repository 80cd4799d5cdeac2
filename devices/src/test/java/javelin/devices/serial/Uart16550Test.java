package javelin.devices.serial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.util.List;
import javelin.softmmu.ManualClock;
import javelin.softmmu.state.SnapshotFormatException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Expected values from the PC16550D datasheet, section 8 (registers) and 9 (FIFO mode). */
class Uart16550Test {
    private static final int COM1 = 0x3F8;
    private static final int THR = COM1, RBR = COM1, DLL = COM1, IER = COM1 + 1, DLM = COM1 + 1;
    private static final int IIR = COM1 + 2, FCR = COM1 + 2, LCR = COM1 + 3, MCR = COM1 + 4, LSR = COM1 + 5;
    private static final int MSR = COM1 + 6, SCR = COM1 + 7;
    /** One 8N1 character at 115200 baud: 10 bits. */
    private static final long CHAR_115200 = 86_805;

    private ManualClock clock;
    private TestBackend backend;
    private boolean irq4;
    private Uart16550 uart;

    /** A back end recording output and letting the test push host input. */
    static final class TestBackend implements SerialBackend {
        final ByteArrayOutputStream sent = new ByteArrayOutputStream();
        HostInput input;

        @Override public void transmit(int b) { sent.write(b); }

        @Override public void attach(HostInput in) { input = in; }

        @Override public void close() { }

        void type(String s) {
            byte[] b = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            input.receive(b, 0, b.length);
        }
    }

    @BeforeEach
    void setUp() {
        clock = new ManualClock();
        backend = new TestBackend();
        uart = new Uart16550("com1", COM1, clock, high -> irq4 = high, backend);
    }

    private void out(int port, int v) { uart.ioWrite(port, 1, v); }

    private int in(int port) { return uart.ioRead(port, 1); }

    /** 115200 baud, 8N1, OUT2 set (IRQ enabled on a PC adapter). */
    private void configure115200() {
        out(LCR, 0x80);
        out(DLL, 1);
        out(DLM, 0);
        out(LCR, 0x03);
        out(MCR, 0x0B);
    }

    @Nested
    class Registers {
        @Test
        void resetValues() {
            assertEquals(0x60, in(LSR));
            assertEquals(0x01, in(IIR));
            assertEquals(0x00, in(IER));
            assertEquals(0x00, in(MCR));
        }

        @Test
        void divisorLatchIsReachedThroughDlab() {
            out(LCR, 0x83);
            out(DLL, 0x0C);
            out(DLM, 0x01);
            assertEquals(0x0C, in(DLL));
            assertEquals(0x01, in(DLM));
            out(LCR, 0x03);
            assertEquals(0x00, in(IER));
            out(LCR, 0x83);
            assertEquals(0x0C, in(DLL));
        }

        @Test
        void scratchRegisterHoldsAByte() {
            out(SCR, 0x5A);
            assertEquals(0x5A, in(SCR));
        }

        @Test
        void characterTimeFollowsDivisorAndLineFormat() {
            configure115200();
            assertEquals(CHAR_115200, uart.characterNanos());
            out(LCR, 0x80);
            out(DLL, 12);
            out(LCR, 0x1F);           // 8 data, even parity, 2 stop bits: 12 bits at 9600
            assertEquals(1_250_000, uart.characterNanos());
        }
    }

    @Nested
    class Transmit {
        @Test
        void thrBytesGoToTheBackend() {
            configure115200();
            for (char c : "hi\n".toCharArray()) out(THR, c);
            assertEquals("hi\n", backend.sent.toString());
            assertEquals(0x60, in(LSR) & 0x60);
        }

        @Test
        void enablingThreInterruptWithEmptyThrRaisesIt() {
            configure115200();
            out(IER, 0x02);
            assertTrue(irq4);
            assertEquals(0x02, in(IIR));
            assertFalse(irq4, "reading IIR cleared the THRE interrupt");
            assertEquals(0x01, in(IIR));
            out(THR, 'x');
            assertTrue(irq4);
        }

        @Test
        void irqNeedsOut2() {
            out(IER, 0x02);
            assertFalse(irq4);
            assertEquals(0x02, in(IIR) & 0x0F);
        }
    }

    @Nested
    class Loopback {
        @Test
        void transmittedByteIsReceivedAndNotSent() {
            configure115200();
            out(MCR, 0x1B);
            out(THR, 0x41);
            assertEquals(0x61, in(LSR));
            assertEquals(0x41, in(RBR));
            assertEquals(0, backend.sent.size());
        }

        @Test
        void modemOutputsMirrorIntoMsrWithDeltas() {
            out(MCR, 0x10);
            assertEquals(0x0B, in(MSR), "CTS, DSR and DCD dropped");
            assertEquals(0x00, in(MSR), "reading MSR cleared the deltas");
            out(MCR, 0x1A);             // RTS and OUT2
            assertEquals(0x90 | 0x09, in(MSR));
            out(MCR, 0x14);             // OUT1 alone
            assertEquals(0x40 | 0x09, in(MSR), "RI rising sets no TERI");
            out(MCR, 0x10);
            assertEquals(0x04, in(MSR), "RI trailing edge sets TERI");
        }

        @Test
        void modemStatusInterruptIsReportedInIir() {
            out(IER, 0x08);
            out(MCR, 0x10);
            assertEquals(0x00, in(IIR));
            in(MSR);
            assertEquals(0x01, in(IIR));
        }

        @Test
        void overrunWithoutFifoSetsOeAndLineStatusInterrupt() {
            out(IER, 0x05);
            out(MCR, 0x10);
            out(THR, 1);
            out(THR, 2);
            assertEquals(0x06, in(IIR), "line status outranks received data");
            assertEquals(0x63, in(LSR));
            assertEquals(0x04, in(IIR));
            assertEquals(2, in(RBR));
            assertEquals(0x60, in(LSR));
        }
    }

    @Nested
    class Receive {
        @Test
        void hostInputArrivesOneCharacterTimeApart() {
            configure115200();
            out(IER, 0x01);
            backend.type("ab");
            assertFalse(irq4, "nothing moves before the machine's timers run");
            clock.advance(0);
            assertTrue(irq4);
            assertEquals(0x04, in(IIR));
            assertEquals('a', in(RBR));
            assertFalse(irq4);
            clock.advance(CHAR_115200);
            assertEquals('b', in(RBR));
        }

        @Test
        void hostInputWaitsWhileTheGuestDoesNotRead() {
            configure115200();
            backend.type("0123456789");
            clock.advance(100 * CHAR_115200);
            assertEquals(0x61, in(LSR), "one byte held, no overrun");
            StringBuilder got = new StringBuilder();
            for (int i = 0; i < 10; i++) {
                got.append((char) in(RBR));
                clock.advance(CHAR_115200);
            }
            assertEquals("0123456789", got.toString());
        }

        @Test
        void hostInputWaitingBeforeFifoSetupArrivesAfterIt() {
            backend.type("xy");
            clock.advance(10 * CHAR_115200);     // 'x' held in RBR, 'y' waits
            configure115200();
            out(FCR, 0x07);                       // enabling the FIFO clears the held byte
            clock.advance(0);
            assertEquals(0x61, in(LSR));
            assertEquals('y', in(RBR));
        }

        @Test
        void fifoRaisesReceivedDataAtTheTriggerLevel() {
            configure115200();
            out(FCR, 0x87);             // FIFO on, trigger level 8
            out(IER, 0x01);
            backend.type("0123456789");
            clock.advance(6 * CHAR_115200);
            assertEquals(0xC1, in(IIR), "7 bytes: below the trigger");
            clock.advance(CHAR_115200);
            assertEquals(0xC4, in(IIR));
            assertTrue(irq4);
        }

        @Test
        void fifoCharacterTimeoutAfterFourCharacterTimes() {
            configure115200();
            out(FCR, 0xC7);             // trigger 14
            out(IER, 0x01);
            backend.type("abc");
            clock.advance(2 * CHAR_115200);          // third byte arrives now
            clock.advance(4 * CHAR_115200 - 1);
            assertFalse(irq4);
            clock.advance(1);
            assertTrue(irq4);
            assertEquals(0xCC, in(IIR));
            assertEquals('a', in(RBR));
            assertEquals(0xC1, in(IIR), "reading RBR clears the timeout");
        }

        @Test
        void fcrRxResetEmptiesTheFifo() {
            out(FCR, 0x01);
            out(MCR, 0x10);
            out(THR, 1);
            out(THR, 2);
            out(FCR, 0x03);
            assertEquals(0x60, in(LSR));
        }

        @Test
        void fifoHoldsSixteenBytesThenOverruns() {
            out(FCR, 0x01);
            out(MCR, 0x10);
            for (int i = 0; i < 17; i++) out(THR, i);
            assertEquals(0x63, in(LSR));
            for (int i = 0; i < 16; i++) assertEquals(i, in(RBR));
            assertEquals(0x60, in(LSR));
        }
    }

    @Nested
    class Snapshot {
        private void busy() {
            configure115200();
            out(FCR, 0xC7);
            out(IER, 0x0D);
            out(SCR, 0x77);
            out(MCR, 0x1B);
            for (char c : "xyz".toCharArray()) out(THR, c);
            out(MCR, 0x0B);
            clock.advance(CHAR_115200 + 10);
        }

        @Test
        void roundTripThroughJson() throws Exception {
            busy();
            Uart16550.State saved = uart.saveState();
            ObjectMapper json = new ObjectMapper();
            Uart16550.State read = json.readValue(json.writeValueAsString(saved), Uart16550.State.class);
            assertEquals(saved, read);
            Uart16550 fresh = new Uart16550("com1", COM1, new ManualClock(clock.nanos()), h -> { }, SerialBackend.NONE);
            fresh.restoreState(read);
            assertEquals(saved, fresh.saveState());
        }

        @Test
        void restoredUartHasTheSameFuture() {
            busy();
            Uart16550.State saved = uart.saveState();
            ManualClock otherClock = new ManualClock(clock.nanos());
            boolean[] otherIrq = {false};
            Uart16550 other = new Uart16550("com1", COM1, otherClock, h -> otherIrq[0] = h, SerialBackend.NONE);
            other.restoreState(saved);
            assertFalse(irq4, "three bytes are below the trigger level");
            clock.advance(10 * CHAR_115200);
            otherClock.advance(10 * CHAR_115200);
            assertTrue(irq4, "character timeout");
            assertEquals(irq4, otherIrq[0]);
            assertEquals(uart.ioRead(IIR, 1), other.ioRead(IIR, 1));
            assertEquals(uart.ioRead(RBR, 1), other.ioRead(RBR, 1));
        }

        @Test
        void rejectsOversizedFifo() {
            assertThrows(SnapshotFormatException.class, () -> new Uart16550.State(1, 1, 0, 1, 3, 0, 0x60, 0xB0, 0, 0,
                    java.util.Collections.nCopies(17, 0), false, false, 0));
        }

        @Test
        void rejectsSeveralBytesWithFifoDisabled() {
            assertThrows(SnapshotFormatException.class, () -> new Uart16550.State(1, 1, 0, 0, 3, 0, 0x60, 0xB0, 0, 0,
                    List.of(1, 2), false, false, 0));
        }

        private <T> T fixture(String name, Class<T> type) throws java.io.IOException {
            try (var in = getClass().getResourceAsStream("/state/" + name)) {
                return new ObjectMapper().readValue(in, type);
            }
        }

        @Test
        void loadsTheVersion1Fixture() throws Exception {
            uart.restoreState(fixture("com1-v1.json", Uart16550.State.class));
            assertFalse(irq4, "two bytes are below trigger level 14");
            clock.advance(4 * CHAR_115200);
            assertTrue(irq4, "character timeout");
            assertEquals('O', in(RBR));
            assertEquals('K', in(RBR));
        }
    }
}
