package javelin.cpu.x86;

import static javelin.cpu.x86.CpuState.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.List;
import javelin.softmmu.state.SnapshotFormatException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CpuStateTest {
    private static CpuState newCpu() {
        return new CpuState(0);
    }

    /** A CPU in 32-bit protected mode with lazy flags pending and every kind of field non-default. */
    private static CpuState busyCpu() {
        CpuState cpu = newCpu();
        for (int i = 0; i < 8; i++) cpu.regs[i] = 0x1111_1111 * (i + 1);
        cpu.eip = 0xC010_0000;
        cpu.cr0 = CR0_PE | CR0_ET | CR0_PG;
        cpu.cr3 = 0x0010_0000;
        cpu.cr4 = CR4_PSE;
        for (int s = 0; s < 6; s++) {
            cpu.segSel[s] = s == CS ? 0x08 : 0x10;
            cpu.segLimit[s] = -1;
            cpu.segAttr[s] = ATTR_P | ATTR_S | ATTR_DB | ATTR_G | (s == CS ? 0xB : 0x3);
        }
        cpu.updateModeCaches();
        cpu.setEflags(IF | 2);
        LazyFlags.record(cpu, LazyFlags.KIND_SUB, 4, 0xFFFF_FFFF, 0, 1);
        cpu.gdtrBase = 0x1000;
        cpu.gdtrLimit = 0x27;
        cpu.trSel = 0x18;
        cpu.dr[7] = 0x401;
        cpu.tscOffset = 123_456_789L;
        cpu.mtrrMsrs.put(0x2FF, 0xC00L);
        cpu.pdpte[2] = 0x5001;
        cpu.interruptShadow = true;
        cpu.waitingForSipi = true;
        return cpu;
    }

    @Nested
    class RoundTrip {
        @Test
        void saveRestoreSaveGivesAnEqualRecord() {
            State saved = busyCpu().saveState();
            CpuState fresh = newCpu();
            fresh.restoreState(saved);
            assertEquals(saved, fresh.saveState());
        }

        @Test
        void jsonRoundTripGivesAnEqualRecord() throws Exception {
            State saved = busyCpu().saveState();
            ObjectMapper json = new ObjectMapper();
            State back = json.readValue(json.writeValueAsString(saved), State.class);
            assertEquals(saved, back);
        }

        @Test
        void restoreFoldsFlagsAndRecomputesModeCaches() {
            CpuState fresh = newCpu();
            fresh.restoreState(busyCpu().saveState());
            assertEquals(IF | 2 | CF | SF | AF | PF, fresh.getEflags());   // 0 - 1 = FFFFFFFFh
            assertTrue(fresh.code32);
            assertTrue(fresh.stack32);
            assertEquals(0, fresh.cpl);
        }
    }

    @Nested
    class Validation {
        @Test
        void aNewerVersionIsRefused() {
            State s = busyCpu().saveState();
            SnapshotFormatException e = assertThrows(SnapshotFormatException.class, () -> new State(2, s.regs(), s.eip(),
                    s.eflags(), s.segSel(), s.segBase(), s.segLimit(), s.segAttr(), s.ldtr(), s.tr(), s.gdtrBase(),
                    s.gdtrLimit(), s.idtrBase(), s.idtrLimit(), s.cr0(), s.cr2(), s.cr3(), s.cr4(), s.dr(), s.efer(),
                    s.tscOffset(), s.sysenterCs(), s.sysenterEsp(), s.sysenterEip(), s.apicBaseMsr(), s.halted(),
                    s.interruptShadow(), s.nmiPending(), s.nmiBlocked(), s.a20Mask(), s.shutdownRequested(), s.pdpte(),
                    s.patMsr(), s.miscEnableMsr(), s.mtrrMsrs()));
            assertEquals("version", e.field());
        }

        @Test
        void aMissingRegisterIsRefused() {
            State s = busyCpu().saveState();
            SnapshotFormatException e = assertThrows(SnapshotFormatException.class, () -> new State(1,
                    s.regs().subList(0, 7), s.eip(), s.eflags(), s.segSel(), s.segBase(), s.segLimit(), s.segAttr(),
                    s.ldtr(), s.tr(), s.gdtrBase(), s.gdtrLimit(), s.idtrBase(), s.idtrLimit(), s.cr0(), s.cr2(),
                    s.cr3(), s.cr4(), s.dr(), s.efer(), s.tscOffset(), s.sysenterCs(), s.sysenterEsp(), s.sysenterEip(),
                    s.apicBaseMsr(), s.halted(), s.interruptShadow(), s.nmiPending(), s.nmiBlocked(), s.a20Mask(),
                    s.shutdownRequested(), s.pdpte(), s.patMsr(), s.miscEnableMsr(), s.mtrrMsrs()));
            assertEquals("regs", e.field());
        }

        @Test
        void theVersion1FixtureStillLoads() throws Exception {
            try (InputStream in = getClass().getResourceAsStream("/state/cpu-v1.json")) {
                assertNotNull(in, "fixture state/cpu-v1.json");
                State s = new ObjectMapper().readValue(in, State.class);
                CpuState cpu = newCpu();
                cpu.restoreState(s);
                // The fixture is the power-on state of SDM vol. 3, table 9-1, with EAX = 0AA55h.
                assertEquals(0xFFF0, cpu.eip);
                assertEquals(0xF000, cpu.segSel[CS]);
                assertEquals(0xFFFF_0000, cpu.segBase[CS]);
                assertEquals(0xAA55, cpu.regs[EAX]);
                assertEquals(List.of(0, 0, 0, 0, 0, 0, 0xFFFF_0FF0, 0x400), s.dr());
                assertFalse(s.waitingForSipi(), "a file from before SMP has no waiting processor");
            }
        }
    }

    @Nested
    class InitAndStartup {
        private CpuState ap() {
            return new CpuState(1);
        }

        @Test
        void anApplicationProcessorWaitsForSipiAfterPowerOnButTheBspRuns() {
            assertTrue(ap().waitingForSipi);
            assertFalse(newCpu().waitingForSipi);
        }

        @Test
        void startupStartsAtVectorTimes4KInRealMode() {
            CpuState cpu = ap();
            assertTrue(cpu.startup(0x9A));
            assertFalse(cpu.waitingForSipi);
            assertEquals(0x9A00, cpu.segSel[CS]);
            assertEquals(0x9A000, cpu.segBase[CS]);
            assertEquals(0, cpu.eip);
            assertFalse(cpu.protectedMode());
        }

        @Test
        void aSecondStartupIsIgnored() {
            CpuState cpu = ap();
            cpu.startup(0x10);
            cpu.eip = 0x1234;
            assertFalse(cpu.startup(0x20), "not waiting for SIPI: ignored");
            assertEquals(0x1000, cpu.segSel[CS]);
            assertEquals(0x1234, cpu.eip);
        }

        @Test
        void initResetsRegistersKeepsMsrsAndMakesAnApWaitAgain() {
            CpuState cpu = ap();
            cpu.startup(0x10);
            cpu.cr0 |= CR0_PE;
            cpu.regs[EAX] = 42;
            cpu.mtrrMsrs.put(0x2FF, 0xC06L);
            cpu.patMsr = 0x0007_0406_0007_0401L;
            cpu.tscOffset = 777;
            cpu.fpu.powerOnReset();
            cpu.init();
            assertTrue(cpu.waitingForSipi);
            assertEquals(0, cpu.regs[EAX]);
            assertFalse(cpu.protectedMode());
            assertEquals(0xFFF0, cpu.eip);
            assertEquals(0xC06L, cpu.mtrrMsrs.get(0x2FF), "MTRRs unchanged by INIT (SDM table 9-1)");
            assertEquals(0x0007_0406_0007_0401L, cpu.patMsr);
            assertEquals(777, cpu.tscOffset, "INIT does not reset the TSC");
        }

        @Test
        void initOfTheBootstrapProcessorRestartsAtTheResetVector() {
            CpuState cpu = newCpu();
            cpu.eip = 0x5555;
            cpu.init();
            assertFalse(cpu.waitingForSipi);
            assertEquals(0xFFF0, cpu.eip);
            assertEquals(0xF000, cpu.segSel[CS]);
        }
    }
}
