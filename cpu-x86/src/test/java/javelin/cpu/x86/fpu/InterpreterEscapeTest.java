package javelin.cpu.x86.fpu;

import static javelin.cpu.x86.CpuState.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.decode.OpSpec;
import javelin.cpu.x86.decode.OpTable;
import javelin.cpu.x86.interp.Interpreter;
import javelin.cpu.x86.testing.TestMachine;
import javelin.softmmu.PhysicalMemory;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The x87 as the CPU runs it: escapes through the {@link Interpreter}, with the CR0 and #MF/FERR#
 * behaviour of SDM vol. 3, 2.5 (table 2-2) and vol. 1, 8.6. Real mode; every IVT vector leads
 * to a HLT, so a fault ends the run with its vector.
 */
class InterpreterEscapeTest {
    private static final int CODE = 0x1000, DATA = 0x2000, HANDLER = 0x500, HLT = 0xF4;

    private final PhysicalMemory mem;
    private final CpuState cpu;
    private final Interpreter interp;
    private boolean ferr;

    InterpreterEscapeTest() {
        TestMachine machine = TestMachine.builder().ram(1 << 20).interpreter().build();
        mem = machine.mem;
        cpu = machine.cpu();
        interp = machine.interpreter();
        for (int s = 0; s < 6; s++) {
            cpu.segSel[s] = 0;
            cpu.segBase[s] = 0;
        }
        cpu.updateModeCaches();
        for (int v = 0; v < 256; v++) mem.writeDword(v * 4L, HANDLER);
        mem.writeByte(HANDLER, HLT);
        cpu.regs[ESP] = 0x9000;
        machine.socket().ferr = high -> ferr = high;
    }

    /** Runs {@code code} at CODE until HLT; returns the fault vector or -1. */
    private int run(int... code) {
        for (int i = 0; i < code.length; i++) mem.writeByte(CODE + i, code[i]);
        mem.writeByte(CODE + code.length, HLT);
        cpu.eip = CODE;
        cpu.halted = false;
        interp.clearLastFault();
        for (int i = 0; i < 1000 && !cpu.halted; i++) interp.step();
        return interp.lastFaultVector();
    }

    private static final int[] FNINIT = {0xDB, 0xE3}, FLD1 = {0xD9, 0xE8}, FLDZ = {0xD9, 0xEE},
            FDIVP = {0xDE, 0xF9}, FWAIT = {0x9B};

    private static int[] seq(int[]... parts) {
        int n = 0;
        for (int[] p : parts) n += p.length;
        int[] r = new int[n];
        int o = 0;
        for (int[] p : parts) {
            System.arraycopy(p, 0, r, o, p.length);
            o += p.length;
        }
        return r;
    }

    /** FLDCW [DATA] with the control word {@code cw} stored there first. */
    private int[] fldcw(int cw) {
        mem.writeByte(DATA, cw & 0xFF);
        mem.writeByte(DATA + 1, cw >>> 8);
        return new int[] {0xD9, 0x2E, DATA & 0xFF, DATA >>> 8};
    }

    @Nested
    class DeviceNotAvailable {
        @Test
        void escapeWithCr0TsRaisesNm() {
            cpu.cr0 |= CR0_TS;
            assertEquals(CpuFault.NM, run(FLD1));
        }

        @Test
        void escapeWithCr0EmRaisesNm() {
            cpu.cr0 |= CR0_EM;
            assertEquals(CpuFault.NM, run(FLD1));
        }

        @Test
        void waitFaultsOnlyWithBothMpAndTs() {
            cpu.cr0 |= CR0_TS;
            assertEquals(-1, run(FWAIT));
            cpu.cr0 |= CR0_MP;
            assertEquals(CpuFault.NM, run(FWAIT));
        }
    }

    @Nested
    class PendingExceptions {
        @Test
        void unmaskedZeroDivideIsReportedAsMfAtTheNextWaitWithCr0Ne() {
            cpu.cr0 |= CR0_NE;
            assertEquals(-1, run(seq(FNINIT, fldcw(0x037F & ~0x04), FLD1, FLDZ, FDIVP)));
            assertTrue(cpu.fpu.exceptionPending());
            assertEquals(CpuFault.MF, run(FWAIT));
        }

        @Test
        void withoutCr0NeTheNextWaitAssertsFerrAndContinues() {
            assertEquals(-1, run(seq(FNINIT, fldcw(0x037F & ~0x04), FLD1, FLDZ, FDIVP, FWAIT)));
            assertTrue(ferr);
            assertEquals(-1, run(0xDB, 0xE2));   // FNCLEX
            assertFalse(ferr);
        }

        @Test
        void nonWaitingControlInstructionsDoNotFault() {
            cpu.cr0 |= CR0_NE;
            run(seq(FNINIT, fldcw(0x037F & ~0x04), FLD1, FLDZ, FDIVP));
            assertEquals(-1, run(0xDF, 0xE0));   // FNSTSW AX
            assertEquals(Fpu.SW_ZE, cpu.regs[EAX] & Fpu.SW_ZE);
        }
    }

    @Test
    void everyX87RowRunsThroughTheInterpreter() {
        // From FNINIT (all exceptions masked, the stack empty) every form completes: none is left to
        // the interpreter's generic dispatch, which has no semantics for x87 mnemonics.
        int rows = 0;
        for (OpSpec row : OpTable.ROWS) {
            if (!row.x87() || row.reserved()) continue;
            for (int i = 0; i < 128; i++) mem.writeByte(DATA + i, 0);
            int[] insn = row.registerForm()
                    ? new int[] {row.opcode(), 0xC0 | row.group() << 3 | (row.rm() >= 0 ? row.rm() : 1)}
                    : new int[] {row.opcode(), row.group() << 3 | 6, DATA & 0xFF, DATA >>> 8};
            assertEquals(-1, run(seq(FNINIT, insn)), row.toString());
            rows++;
        }
        assertEquals(141, rows);
    }

    @Nested
    class ReservedEncodings {
        @Test
        void aReservedEscapeRaisesUd() {
            assertEquals(CpuFault.UD, run(0xD9, 0xD1));
        }

        @Test
        void fisttpIsReservedWithoutSse3() {
            assertEquals(CpuFault.UD, run(0xDB, 0x0E, DATA & 0xFF, DATA >>> 8));       // fisttp dword [DATA]
        }

        @Test
        void cr0TsRaisesNmBeforeTheReservedUd() {
            // Every escape raises #NM with CR0.TS (SDM vol. 3, table 2-2) before its ModRM is looked at,
            // as QEMU's translator orders it.
            cpu.cr0 |= CR0_TS;
            assertEquals(CpuFault.NM, run(0xD9, 0xD1));
        }

        @Test
        void aReservedEscapeRaisesUdBeforeAPendingMf() {
            // The order the oracle measured on the host (docs/fpu.md, "The oracle").
            cpu.cr0 |= CR0_NE;
            assertEquals(-1, run(seq(FNINIT, fldcw(0x037F & ~0x04), FLD1, FLDZ, FDIVP)));
            assertEquals(CpuFault.UD, run(0xD9, 0xD1));
            assertEquals(CpuFault.MF, run(FLD1));
        }
    }

    @Nested
    class MemoryOperands {
        @Test
        void fstpM80PastTheSegmentLimitFaultsBeforePopping() {
            // m80fp is ten bytes: at FFF6h they end at the real-mode limit FFFFh, at FFF7h one byte beyond (#GP).
            assertEquals(-1, run(seq(FNINIT, FLD1, new int[] {0xDB, 0x3E, 0xF6, 0xFF})));
            assertEquals(0x3FFF, mem.readWord(0xFFFE));                                  // sign and exponent of 1.0
            assertEquals(CpuFault.GP, run(seq(FNINIT, FLD1, new int[] {0xDB, 0x3E, 0xF7, 0xFF})));
            assertEquals(Float80.ONE, cpu.fpu.st(0));
            assertEquals(7, cpu.fpu.top());
        }

        @Test
        void fnsaveImagesAre94BytesOr108WithAnOperandSizePrefix() {
            // SDM vol. 1, figs. 8-13 and 8-14 (real-address mode): 94 bytes with a 16-bit operand size, 108 with 32.
            assertEquals(-1, run(0xDD, 0x36, 0xA2, 0xFF));                              // fnsave [FFA2h]: ends at FFFFh
            assertEquals(CpuFault.GP, run(0xDD, 0x36, 0xA3, 0xFF));
            assertEquals(-1, run(0x66, 0xDD, 0x36, 0x94, 0xFF));                        // o32 fnsave [FF94h]
            assertEquals(CpuFault.GP, run(0x66, 0xDD, 0x36, 0x95, 0xFF));
        }

        @Test
        void fstpM64StoresTheDoubleOne() {
            assertEquals(-1, run(seq(FNINIT, FLD1, new int[] {0xDD, 0x1E, DATA & 0xFF, DATA >>> 8})));
            assertEquals(0x3FF0_0000_0000_0000L, mem.readDword(DATA) & 0xFFFF_FFFFL | (long) mem.readDword(DATA + 4) << 32);
        }

        @Test
        void fxsaveOfAMisalignedAddressRaisesGp() {
            assertEquals(CpuFault.GP, run(0x0F, 0xAE, 0x06, (DATA + 8) & 0xFF, (DATA + 8) >>> 8));
        }

        @Test
        void fxsaveThenFxrstorGivesBackTheStack() {
            assertEquals(-1, run(seq(FNINIT, FLD1, FLDZ, new int[] {0x0F, 0xAE, 0x06, DATA & 0xFF, DATA >>> 8},
                    FNINIT, new int[] {0x0F, 0xAE, 0x0E, DATA & 0xFF, DATA >>> 8})));
            assertEquals(Float80.POS_ZERO, cpu.fpu.st(0));
            assertEquals(Float80.ONE, cpu.fpu.st(1));
            assertEquals(0xC0, mem.readByte(DATA + 4));   // abridged tag: physical 6 and 7 in use
        }

        @Test
        void fstenvInRealModeStoresTheLinearInstructionPointer() {
            // 16-bit operand size: FIP is CS*16 + IP of the last non-control instruction (SDM vol. 1, fig. 8-11)
            assertEquals(-1, run(seq(FNINIT, FLD1, new int[] {0xD9, 0x36, DATA & 0xFF, DATA >>> 8})));
            assertEquals(CODE + 2, mem.readWord(DATA + 6));
            assertEquals(0x1E8, mem.readWord(DATA + 8) & 0x7FF);   // FOP: D9 E8 without the 11011 prefix
        }
    }
}
