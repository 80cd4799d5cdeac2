package javelin.cpu.x86;

import static javelin.cpu.x86.CpuState.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.List;
import javelin.cpu.x86.fpu.Float80;
import javelin.cpu.x86.fpu.Fpu;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.StateJson;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CpuStateTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 1.0 and pi as 80-bit values (sign and exponent, significand; pi as FLDPI loads it, SDM vol. 1, 8.3.8). */
    private static final Fpu.Register ONE = new Fpu.Register(0x3FFF, 0x8000_0000_0000_0000L),
            PI = new Fpu.Register(0x4000, 0xC90F_DAA2_2168_C235L), ZERO = new Fpu.Register(0, 0);

    private static CpuState newCpu() {
        return new CpuState(0);
    }

    /** A saved state tree, read from a fixture, through the upgraders as a snapshot reader does. */
    private static State read(JsonNode tree) {
        return StateJson.read(JSON, tree, State.class, State.VERSION, State.UPGRADES, "cpu");
    }

    private static ObjectNode fixture(String name) throws IOException {
        try (InputStream in = CpuStateTest.class.getResourceAsStream("/state/" + name)) {
            assertNotNull(in, "fixture state/" + name);
            return (ObjectNode) JSON.readTree(in);
        }
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
        // FLD1; FLDPI after FNINIT, then a pending masked precision exception (PE) in the status word.
        cpu.fpu.restoreState(new Fpu.State(0x037F, 6 << 11 | Fpu.SW_PE, 0xC0,
                List.of(ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, PI, ONE), 0x0040_1000, 0x08, 0x0050_0000, 0x10, 0x1EB));
        return cpu;
    }

    /** {@code s} with its FPU replaced (null: none), the record otherwise as it is. */
    private static State withFpu(State s, Fpu.State fpu) {
        return new State(s.version(), s.regs(), s.eip(), s.eflags(), s.segSel(), s.segBase(), s.segLimit(),
                s.segAttr(), s.ldtr(), s.tr(), s.gdtrBase(), s.gdtrLimit(), s.idtrBase(), s.idtrLimit(), s.cr0(),
                s.cr2(), s.cr3(), s.cr4(), s.dr(), s.efer(), s.tscOffset(), s.sysenterCs(), s.sysenterEsp(),
                s.sysenterEip(), s.apicBaseMsr(), s.halted(), s.interruptShadow(), s.nmiPending(), s.nmiBlocked(),
                s.a20Mask(), s.shutdownRequested(), s.pdpte(), s.patMsr(), s.miscEnableMsr(), s.mtrrMsrs(),
                s.waitingForSipi(), fpu);
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
            State back = read(JSON.readTree(JSON.writeValueAsString(saved)));
            assertEquals(saved, back);
        }

        @Test
        void theFpuTravelsWithTheCpu() {
            CpuState fresh = newCpu();
            fresh.restoreState(busyCpu().saveState());
            assertEquals(6, fresh.fpu.top());
            assertEquals(new Float80(PI.signExp(), PI.significand()), fresh.fpu.st(0));
            assertEquals(Float80.ONE, fresh.fpu.st(1));
            assertEquals(0x037F, fresh.fpu.controlWord());
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
        void aNewerVersionIsRefused() throws IOException {
            ObjectNode tree = fixture("cpu-v2.json");
            tree.put("version", State.VERSION + 1);
            assertEquals("version", assertThrows(SnapshotFormatException.class, () -> read(tree)).field());
        }

        @Test
        void aMissingRegisterIsRefused() throws IOException {
            ObjectNode tree = fixture("cpu-v2.json");
            tree.withArray("regs").remove(7);
            assertEquals("regs", assertThrows(SnapshotFormatException.class, () -> read(tree)).field());
        }

        @Test
        void aRecordWithoutItsFpuIsRefused() {
            State s = busyCpu().saveState();
            assertEquals("fpu", assertThrows(SnapshotFormatException.class, () -> withFpu(s, null)).field());
        }

        @Test
        void anFpuWithoutEightRegistersIsRefused() {
            Fpu.State f = busyCpu().saveState().fpu();
            assertThrows(SnapshotFormatException.class, () -> new Fpu.State(f.controlWord(), f.statusWord(),
                    f.validMask(), Collections.nCopies(7, ZERO), f.fip(), f.fcs(), f.fdp(), f.fds(), f.fop()));
        }
    }

    @Nested
    class Fixtures {
        @Test
        void theVersion2FixtureLoads() throws IOException {
            State s = read(fixture("cpu-v2.json"));
            CpuState cpu = new CpuState(1);                 // an AP: waiting for SIPI until the file says otherwise
            cpu.restoreState(s);
            // An AP started at 1000h, now halted in flat 32-bit protected mode with paging and PGE.
            assertEquals(0xC010_2030, cpu.eip);
            assertEquals(0x08, cpu.segSel[CS]);
            assertTrue(cpu.code32);
            assertEquals(CR0_PE | CR0_PG | CR0_NE, cpu.cr0 & (CR0_PE | CR0_PG | CR0_NE));
            assertEquals(CR4_PGE, cpu.cr4 & CR4_PGE);
            assertEquals(IF | ZF | PF | 2, cpu.getEflags());
            assertEquals(0xFEE0_0800L, cpu.apicBaseMsr, "APIC enabled at FEE00000h, not the BSP");
            assertTrue(cpu.halted);
            assertFalse(cpu.waitingForSipi);
            // The x87 after FNINIT, FLD1, FLDPI: TOP = 6, ST(0) = pi, ST(1) = 1, the rest empty (tag 11).
            assertEquals(0x037F, cpu.fpu.controlWord());
            assertEquals(6, cpu.fpu.top());
            assertEquals(new Float80(PI.signExp(), PI.significand()), cpu.fpu.st(0));
            assertEquals(Float80.ONE, cpu.fpu.st(1));
            assertEquals(0x0FFF, cpu.fpu.tagWord());
            assertEquals(List.of(ZERO, ZERO, ZERO, ZERO, ZERO, ZERO, PI, ONE), s.fpu().registers());
            assertEquals(0x1EB, s.fpu().fop(), "FLDPI is D9 EB: opcode bits 10:8 = 1, ModRM EB");
        }

        @Test
        void theVersion1FixtureLoadsThroughTheUpgrader() throws IOException {
            State s = read(fixture("cpu-v1.json"));
            CpuState cpu = newCpu();
            cpu.restoreState(s);
            // The fixture is the power-on state of SDM vol. 3, table 9-1, with EAX = 0AA55h.
            assertEquals(0xFFF0, cpu.eip);
            assertEquals(0xF000, cpu.segSel[CS]);
            assertEquals(0xFFFF_0000, cpu.segBase[CS]);
            assertEquals(0xAA55, cpu.regs[EAX]);
            assertEquals(List.of(0, 0, 0, 0, 0, 0, 0xFFFF_0FF0, 0x400), s.dr());
            assertFalse(s.waitingForSipi(), "a file from a one-processor board has no waiting processor");
        }

        @Test
        void aVersion1SnapshotMeansThePowerOnFpu() throws IOException {
            Fpu.State f = read(fixture("cpu-v1.json")).fpu();
            // SDM vol. 3, table 9-1 (power-up): FPU control word 0040H, status word 0, tags 5555H
            // (every register valid, holding +0), pointers and opcode 0.
            assertEquals(0x0040, f.controlWord());
            assertEquals(0, f.statusWord());
            assertEquals(0xFF, f.validMask());
            assertEquals(Collections.nCopies(8, ZERO), f.registers());
            assertEquals(List.of(0, 0, 0, 0, 0), List.of(f.fip(), f.fcs(), f.fdp(), f.fds(), f.fop()));
            CpuState cpu = newCpu();
            cpu.restoreState(read(fixture("cpu-v1.json")));
            assertEquals(0x5555, cpu.fpu.tagWord());
        }

        @Test
        void aVersion1FileWithWaitingForSipiKeepsIt() throws IOException {
            ObjectNode tree = fixture("cpu-v1.json");
            tree.put("waitingForSipi", true);
            assertTrue(read(tree).waitingForSipi());
        }

        @Test
        void theUpgradedVersion1FixtureSavesAsVersion2() throws IOException {
            CpuState cpu = newCpu();
            cpu.restoreState(read(fixture("cpu-v1.json")));
            State again = read(JSON.readTree(JSON.writeValueAsString(cpu.saveState())));
            assertEquals(2, again.version());
            assertEquals(cpu.saveState(), again);
        }

        @Test
        void aVersion1FileWithAnFpuIsRefused() throws IOException {
            ObjectNode tree = fixture("cpu-v1.json");
            tree.putObject("fpu");
            assertEquals("fpu", assertThrows(SnapshotFormatException.class, () -> read(tree)).field());
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
