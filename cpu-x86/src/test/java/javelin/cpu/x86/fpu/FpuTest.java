package javelin.cpu.x86.fpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.decode.Decoder;
import javelin.cpu.x86.decode.OpSpec;
import javelin.cpu.x86.decode.OpTable;
import javelin.softmmu.state.SnapshotFormatException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FpuTest {
    /** A minimal host: memory operand in a byte array, flags and AX in fields. */
    static final class ArrayHost implements X87Host {
        final byte[] mem = new byte[128];
        int eflags = 2;
        int ax;

        @Override public long read(int offset, int size) {
            long v = 0;
            for (int i = size - 1; i >= 0; i--) v = v << 8 | (mem[offset + i] & 0xFF);
            return v;
        }

        @Override public void write(int offset, int size, long value) {
            for (int i = 0; i < size; i++) mem[offset + i] = (byte) (value >>> (8 * i));
        }

        @Override public int eflags() { return eflags; }

        @Override public void setCompareFlags(int zfPfCf) { eflags = (eflags & ~0x8D5) | zfPfCf; }

        @Override public void setAx(int value) { ax = value & 0xFFFF; }

        @Override public boolean realMode() { return false; }
    }

    private static final Decoder DECODER = new Decoder();

    /** Decodes {@code opcode modrm} as 32-bit code (a memory operand at offset 0 of the host) and runs it. */
    private static void run(Fpu f, ArrayHost h, int opcode, int modrm) {
        DecodedInsn d = DECODER.decode(k -> k == 0 ? opcode : k == 1 ? modrm : 0, true);
        assertFalse(d.spec.reserved(), d.spec.toString());
        X87Executor.execute(f, d, h);
    }

    @Nested
    class Words {
        @Test
        void finitLeavesTheDocumentedDefaults() {
            Fpu f = new Fpu();
            assertEquals(0x037F, f.controlWord());
            assertEquals(0, f.statusWord());
            assertEquals(0xFFFF, f.tagWord());
        }

        @Test
        void powerOnResetLeavesControlWord0040AndValidZeroTags() {
            Fpu f = new Fpu();
            f.powerOnReset();
            assertEquals(0x0040, f.controlWord());
            assertEquals(0x5555, f.tagWord());
        }

        @Test
        void tagWordClassifiesValidZeroAndSpecialRegisters() {
            Fpu f = new Fpu();
            ArrayHost h = new ArrayHost();
            run(f, h, 0xD9, 0xE8);   // FLD1  -> phys 7 valid
            run(f, h, 0xD9, 0xEE);   // FLDZ  -> phys 6 zero
            assertEquals(0x1FFF, f.tagWord());
        }
    }

    @Nested
    class Stack {
        @Test
        void pushOntoAFullStackRaisesStackOverflowAndLoadsTheIndefinite() {
            Fpu f = new Fpu();
            ArrayHost h = new ArrayHost();
            for (int i = 0; i < 9; i++) run(f, h, 0xD9, 0xE8);
            int sw = f.statusWord();
            assertEquals(Fpu.SW_IE | Fpu.SW_SF | Fpu.SW_C1, sw & (Fpu.SW_IE | Fpu.SW_SF | Fpu.SW_C1));
            assertEquals(Float80.INDEFINITE, f.st(0));
        }

        @Test
        void arithmeticOnAnEmptyRegisterRaisesStackUnderflow() {
            Fpu f = new Fpu();
            ArrayHost h = new ArrayHost();
            run(f, h, 0xD9, 0xE8);
            run(f, h, 0xD8, 0xC1);   // FADD ST0, ST1 (empty)
            assertEquals(Fpu.SW_IE | Fpu.SW_SF, f.statusWord() & (Fpu.SW_IE | Fpu.SW_SF | Fpu.SW_C1));
            assertEquals(Float80.INDEFINITE, f.st(0));
        }

        @Test
        void unmaskedExceptionSetsEsAndBusy() {
            Fpu f = new Fpu();
            ArrayHost h = new ArrayHost();
            f.setControlWord(0x037F & ~Float80Math.ZE);
            run(f, h, 0xD9, 0xE8);
            run(f, h, 0xD9, 0xEE);
            run(f, h, 0xDE, 0xF9);   // FDIVP ST1, ST0: 1 / 0
            assertTrue(f.exceptionPending());
            assertEquals(Fpu.SW_ES | Fpu.SW_B, f.statusWord() & (Fpu.SW_ES | Fpu.SW_B));
            assertEquals(Float80.ONE, f.st(1));   // no result stored, no pop
        }
    }

    @Nested
    class Instructions {
        @Test
        void fcomiSetsZfPfCfAsUnsignedCompare() {
            Fpu f = new Fpu();
            ArrayHost h = new ArrayHost();
            run(f, h, 0xD9, 0xE8);   // 1
            run(f, h, 0xD9, 0xEE);   // 0, 1
            run(f, h, 0xDB, 0xF1);   // FCOMI ST0, ST1: 0 < 1 -> CF
            assertEquals(1, h.eflags & 0x45);
        }

        @Test
        void fnstswAxCopiesTheStatusWord() {
            Fpu f = new Fpu();
            ArrayHost h = new ArrayHost();
            run(f, h, 0xD9, 0xE8);
            run(f, h, 0xDF, 0xE0);
            assertEquals(7 << Fpu.SW_TOP_SHIFT, h.ax);
        }

        @Test
        void fldpiRoundsPerRoundingControl() {
            Fpu f = new Fpu();
            ArrayHost h = new ArrayHost();
            run(f, h, 0xD9, 0xEB);
            assertEquals(new Float80(0x4000, 0xC90F_DAA2_2168_C235L), f.st(0));
            f.setControlWord(0x0F7F);
            run(f, h, 0xD9, 0xEB);
            assertEquals(new Float80(0x4000, 0xC90F_DAA2_2168_C234L), f.st(0));
        }

        @Test
        void fpatanOfOneOverOneIsPiOverFour() {
            Fpu f = new Fpu();
            ArrayHost h = new ArrayHost();
            run(f, h, 0xD9, 0xE8);
            run(f, h, 0xD9, 0xE8);
            run(f, h, 0xD9, 0xF3);
            assertEquals(new Float80(0x3FFE, 0xC90F_DAA2_2168_C235L), f.st(0));
        }

        @Test
        void fsinOfTwoToThe63SetsC2AndLeavesTheOperand() {
            Fpu f = new Fpu();
            ArrayHost h = new ArrayHost();
            new Float80(0x3FFF + 63, Float80.INTEGER_BIT).toBytes(h.mem, 0);
            run(f, h, 0xDB, 0x28);   // FLD m80 [eax]
            run(f, h, 0xD9, 0xFE);
            assertTrue((f.statusWord() & Fpu.SW_C2) != 0);
            assertEquals(new Float80(0x3FFF + 63, Float80.INTEGER_BIT), f.st(0));
        }

        @Test
        void everyRowOfTheTableRunsOnAFreshFpu() {
            // The executor dispatches on the mnemonic and operand kinds: every x87 row of the table
            // must reach semantics (none may fall through to "not an x87 instruction").
            int rows = 0;
            for (OpSpec row : OpTable.ROWS) {
                if (!row.x87() || row.reserved()) continue;
                int rm = row.rm() >= 0 ? row.rm() : 1;
                int modrm = row.registerForm() ? 0xC0 | row.group() << 3 | rm : row.group() << 3;
                run(new Fpu(), new ArrayHost(), row.opcode(), modrm);
                rows++;
            }
            // 57 memory forms (64 less D9 /1, DB /1 /4 /6, DD /1 /5, DF /1) and 84 register rows.
            assertEquals(141, rows);
        }
    }

    @Nested
    class Images {
        @Test
        void fsaveThenFrstorRestoresEverythingAndFsaveReinitializes() {
            Fpu f = new Fpu();
            ArrayHost h = new ArrayHost();
            run(f, h, 0xD9, 0xEB);
            run(f, h, 0xD9, 0xE8);
            byte[] image = f.save(true, false);
            assertEquals(108, image.length);
            assertEquals(0xFFFF, f.tagWord());
            Fpu g = new Fpu();
            g.restore(image, true, false);
            assertEquals(Float80.ONE, g.st(0));
            assertEquals(6 << Fpu.SW_TOP_SHIFT, g.statusWord());
            assertEquals(0x0FFF, g.tagWord());
        }

        @Test
        void fxsaveStoresTheAbridgedTagAndRegistersIn16ByteSlots() {
            Fpu f = new Fpu();
            ArrayHost h = new ArrayHost();
            run(f, h, 0xD9, 0xE8);
            byte[] image = f.fxsave();
            assertEquals(0x80, image[4] & 0xFF);
            assertEquals(Float80.ONE, Float80.fromBytes(image, 32));
            Fpu g = new Fpu();
            g.fxrstor(image);
            assertEquals(f.saveState(), g.saveState());
        }

        @Test
        void sixteenBitProtectedEnvironmentIs14Bytes() {
            assertEquals(14, new Fpu().saveEnvironment(false, false).length);
            assertEquals(94, new Fpu().save(false, true).length);
        }
    }

    @Nested
    class Snapshots {
        @Test
        void stateRoundTripsThroughAFreshInstanceAndJson() throws Exception {
            Fpu f = new Fpu();
            ArrayHost h = new ArrayHost();
            run(f, h, 0xD9, 0xEB);
            run(f, h, 0xD9, 0xE8);
            run(f, h, 0xDE, 0xF9);
            f.recordInstruction(0x08, 0x1234, 0xDE, 0xF9);
            Fpu.State s = f.saveState();
            Fpu g = new Fpu();
            g.restoreState(s);
            assertEquals(s, g.saveState());
            ObjectMapper json = new ObjectMapper();
            Fpu.State back = json.readValue(json.writeValueAsString(s), Fpu.State.class);
            assertEquals(s, back);
        }

        @Test
        void stateWithoutEightRegistersIsRejected() {
            assertThrows(SnapshotFormatException.class, () -> new Fpu.State(0x37F, 0, 0,
                    List.of(new Fpu.Register(0, 0)), 0, 0, 0, 0, 0));
        }
    }
}
