package javelin.devices.pci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.IrqLine;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class Piix3IsaBridgeTest {
    private final boolean[] pic = new boolean[16];
    private final List<Boolean> resets = new ArrayList<>();
    private final IoPortBus ports = new IoPortBus(new ReentrantLock());
    private final Piix3IsaBridge bridge = new Piix3IsaBridge(ports, lines(pic), resets::add);

    private static List<IrqLine> lines(boolean[] levels) {
        List<IrqLine> l = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            int irq = i;
            l.add(high -> levels[irq] = high);
        }
        return l;
    }

    @Test
    void identifiesAsPiix3MultiFunctionIsaBridge() {
        assertEquals(0x70008086, bridge.configRead(0x00, 4));
        assertEquals(0x0601, bridge.configRead(0x0A, 2));
        assertEquals(0x80, bridge.configRead(0x0E, 1));
    }

    @Nested
    class PirqRouting {
        @Test
        void resetValueDisablesRouting() {
            assertEquals(0x8080_8080, bridge.configRead(Piix3IsaBridge.REG_PIRQRC_A, 4));
            IrqLine intA = bridge.pirqLine(0);
            intA.raise();
            for (boolean b : pic) assertFalse(b);
        }

        @Test
        void routedPirqDrivesTheSelectedIsaIrq() {
            IrqLine intA = bridge.pirqLine(0);
            bridge.configWrite(Piix3IsaBridge.REG_PIRQRC_A, 1, 11);
            intA.raise();
            assertTrue(pic[11]);
            intA.lower();
            assertFalse(pic[11]);
        }

        @Test
        void sharedPirqStaysActiveWhileAnyDeviceDrivesIt() {
            IrqLine dev1 = bridge.pirqLine(2);
            IrqLine dev2 = bridge.pirqLine(2);
            bridge.configWrite(Piix3IsaBridge.REG_PIRQRC_A + 2, 1, 10);
            dev1.raise();
            dev2.raise();
            dev1.lower();
            assertTrue(pic[10]);
            dev2.lower();
            assertFalse(pic[10]);
        }

        @Test
        void reroutingMovesAnAssertedLevel() {
            IrqLine intB = bridge.pirqLine(1);
            bridge.configWrite(Piix3IsaBridge.REG_PIRQRC_A + 1, 1, 5);
            intB.raise();
            bridge.configWrite(Piix3IsaBridge.REG_PIRQRC_A + 1, 1, 9);
            assertFalse(pic[5]);
            assertTrue(pic[9]);
            bridge.configWrite(Piix3IsaBridge.REG_PIRQRC_A + 1, 1, 0x89);   // IRQROUTEN: off
            assertFalse(pic[9]);
        }

        @Test
        void reservedIrqNumbersRouteNowhere() {
            IrqLine intC = bridge.pirqLine(2);
            intC.raise();
            for (int reserved : new int[] {0, 1, 2, 8, 13}) {
                bridge.configWrite(Piix3IsaBridge.REG_PIRQRC_A + 2, 1, reserved);
                for (boolean b : pic) assertFalse(b);
            }
        }

        @Test
        void reservedBitsOfTheRouteRegisterReadZero() {
            bridge.configWrite(Piix3IsaBridge.REG_PIRQRC_A, 1, 0x7B);
            assertEquals(0x0B, bridge.configRead(Piix3IsaBridge.REG_PIRQRC_A, 1));
        }

        @Test
        void swizzleRotatesPinsBySlot() {
            assertEquals(0, Piix3IsaBridge.swizzle(0, 1));
            assertEquals(1, Piix3IsaBridge.swizzle(1, 1));
            assertEquals(0, Piix3IsaBridge.swizzle(3, 2));
            assertEquals(3, Piix3IsaBridge.swizzle(2, 2));
        }
    }

    @Nested
    class ResetControl {
        @Test
        void rcpuRisingEdgeRequestsTheResetTypeSelectedBySrst() {
            ports.write(0xCF9, 1, 0x02);              // select hard reset
            assertEquals(List.of(), resets);
            ports.write(0xCF9, 1, 0x06);              // RCPU 0 -> 1
            assertEquals(List.of(true), resets);
            assertEquals(0x06, ports.read(0xCF9, 1));
        }

        @Test
        void softResetWhenSrstIsClear() {
            ports.write(0xCF9, 1, 0x04);
            assertEquals(List.of(false), resets);
        }

        @Test
        void rcpuHeldHighDoesNotRequestAgain() {
            ports.write(0xCF9, 1, 0x06);
            ports.write(0xCF9, 1, 0x06);
            assertEquals(List.of(true), resets);
            bridge.reset();
            assertEquals(0x00, ports.read(0xCF9, 1));
        }

        @Test
        void reservedBitsReadZero() {
            ports.write(0xCF9, 1, 0xF9);
            assertEquals(0x00, ports.read(0xCF9, 1));
        }
    }

    @Test
    void resetTurnsRoutingOffAndReleasesTheIrq() {
        IrqLine intA = bridge.pirqLine(0);
        bridge.configWrite(Piix3IsaBridge.REG_PIRQRC_A, 1, 11);
        intA.raise();
        bridge.reset();
        assertFalse(pic[11]);
        assertEquals(0x80, bridge.configRead(Piix3IsaBridge.REG_PIRQRC_A, 1));
    }

    @Test
    void stateRoundTripRestoresDrivenLevelsThroughJson() throws Exception {
        IrqLine intA = bridge.pirqLine(0);
        bridge.configWrite(Piix3IsaBridge.REG_PIRQRC_A, 1, 11);
        intA.raise();
        ports.write(0xCF9, 1, 0x02);
        Piix3IsaBridge.State saved = bridge.saveState();
        ObjectMapper json = new ObjectMapper();
        Piix3IsaBridge.State parsed = json.readValue(json.writeValueAsString(saved), Piix3IsaBridge.State.class);
        assertEquals(saved, parsed);

        boolean[] freshPic = new boolean[16];
        Piix3IsaBridge fresh = new Piix3IsaBridge(new IoPortBus(new ReentrantLock()), lines(freshPic), hard -> { });
        fresh.pirqLine(0);
        fresh.restoreState(parsed);
        assertEquals(saved, fresh.saveState());
        assertTrue(freshPic[11]);
    }
}
