package javelin.cpu.x86.oracle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * One pinned case per {@link Undefined} class: Javelin's documented choice for it
 * (docs/conformance.md, "Undefined results"), worked out by hand from that rule, and the
 * oracle's policy for it: the part is left out on a host of another vendor, and a host answer
 * that differs only there is then no mismatch, while the same answer compared everywhere is one.
 */
class UndefinedResultsTest {
    private static final int CF = 1, PF = 4, AF = 0x10, ZF = 0x40, SF = 0x80, OF = 0x800;
    private static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3;
    private static final HostCpu AMD = new HostCpu(32, "AuthenticAMD", 25, 1, "test");
    private static final HostCpu INTEL = new HostCpu(32, "GenuineIntel", 6, 158, "test");

    private final JavelinExecutor javelin = new JavelinExecutor();

    /** The case, with EBX at the data area and every other register as given (ESP unused). */
    private static OracleCase integer(String name, int[] code, int[] gpr, int eflags, byte[] data, OracleCase.UndefinedPart part) {
        List<Integer> regs = new ArrayList<>();
        for (int r = 0; r < 8; r++) regs.add(r == EBX ? OracleCase.DATA_ADDR : gpr.length > r ? gpr[r] : 0);
        byte[] bytes = new byte[code.length];
        for (int i = 0; i < code.length; i++) bytes[i] = (byte) code[i];
        return new OracleCase(OracleCase.Kind.INTEGER, name, regs, eflags, new byte[OracleCase.FSAVE_SIZE],
                data == null ? new byte[OracleCase.DATA_SIZE] : data, bytes, List.of(part));
    }

    /** A host answer equal to {@code ours} except in the case's undefined part. */
    private static OracleResult differingOnlyThere(OracleCase c, OracleResult ours) {
        OracleCase.UndefinedPart p = c.undefined().getFirst();
        int[] gpr = ours.gpr().clone();
        for (int r = 0; r < 8; r++) if ((p.regs() & 1 << r) != 0) gpr[r] = ~gpr[r];
        byte[] data = ours.data().clone();
        for (int i = p.dataFrom(); i < p.dataTo(); i++) data[i] = (byte) ~data[i];
        byte[] fsave = ours.fsave().clone();
        int sw = Comparison.get32(fsave, 4) ^ p.status();
        for (int i = 0; i < 4; i++) fsave[4 + i] = (byte) (sw >>> (8 * i));
        return new OracleResult(gpr, ours.eflags() ^ p.flags(), fsave, data, ours.fault());
    }

    private static final Set<Undefined> PINNED = EnumSet.noneOf(Undefined.class);

    /** Checks the policy for {@code c} and returns Javelin's result for the caller's expectations. */
    private OracleResult pin(OracleCase c) {
        OracleCase.UndefinedPart p = c.undefined().getFirst();
        PINNED.add(p.what());
        OracleResult ours = javelin.run(c);
        assertEquals(OracleResult.NONE, ours.fault(), c.name());
        OracleResult host = differingOnlyThere(c, ours);
        assertTrue(Comparison.differences(c, host, ours, c.skippedOn(AMD)).isEmpty(),
                c.name() + ": another vendor's answer in the undefined part is not a mismatch");
        assertFalse(AMD.comparesUndefined(p.what()), "never compared on another vendor");
        assertEquals(HostCpu.CHECKED_ON_MODELLED_VENDOR.contains(p.what()), INTEL.comparesUndefined(p.what()));
        assertFalse(Comparison.differences(c, host, ours, OracleCase.Masks.NONE).isEmpty(),
                c.name() + ": compared, the part is seen");
        return ours;
    }

    @Test
    void logicLeavesAfClear() {
        // AND EAX, ECX with AF set before: AF = 0 (as LazyFlags' logic kind).
        OracleResult r = pin(integer("and", new int[] {0x21, 0xC8}, new int[] {0x0F, 0x01}, AF, null,
                OracleCase.UndefinedPart.flags(Undefined.LOGIC_AF, AF)));
        assertEquals(0, r.eflags() & AF);
    }

    @Test
    void shiftsClearAf() {
        // SHL EAX, 4: 1 -> 10h, AF cleared.
        OracleResult r = pin(integer("shl", new int[] {0xC1, 0xE0, 0x04}, new int[] {1}, AF, null,
                OracleCase.UndefinedPart.flags(Undefined.SHIFT_AF, AF)));
        assertEquals(0x10, r.gpr()[EAX]);
        assertEquals(0, r.eflags() & AF);
    }

    @Test
    void multiBitShiftsSetOfAsForACountOfOne() {
        // SHL EAX, 2: 60000000h -> 80000000h, CF = 1 (the last bit out), OF = MSB(result) XOR CF = 0.
        OracleResult r = pin(integer("shl2", new int[] {0xC1, 0xE0, 0x02}, new int[] {0x6000_0000}, OF, null,
                OracleCase.UndefinedPart.flags(Undefined.SHIFT_OF, OF)));
        assertEquals(0x8000_0000, r.gpr()[EAX]);
        assertEquals(CF | PF | SF, r.eflags() & (CF | PF | AF | ZF | SF | OF));
    }

    @Test
    void multiplicationSetsSfZfPfFromTheLowHalfAndClearsAf() {
        // MUL ECX: 10000h * 10000h = 1_00000000h: EDX = 1, EAX = 0; CF = OF = 1; ZF, PF from EAX = 0.
        OracleResult r = pin(integer("mul", new int[] {0xF7, 0xE1}, new int[] {0x1_0000, 0x1_0000}, AF | SF, null,
                OracleCase.UndefinedPart.flags(Undefined.MUL_FLAGS, SF | ZF | AF | PF)));
        assertEquals(1, r.gpr()[EDX]);
        assertEquals(CF | OF | ZF | PF, r.eflags() & (CF | PF | AF | ZF | SF | OF));
    }

    @Test
    void divisionKeepsTheFlags() {
        // DIV ECX: 100 / 7 = 14 rem 2; the six flags as they were (CF, ZF, SF set before).
        OracleResult r = pin(integer("div", new int[] {0xF7, 0xF1}, new int[] {100, 7, 0}, CF | ZF | SF, null,
                OracleCase.UndefinedPart.flags(Undefined.DIV_FLAGS, CF | PF | AF | ZF | SF | OF)));
        assertEquals(14, r.gpr()[EAX]);
        assertEquals(2, r.gpr()[EDX]);
        assertEquals(CF | ZF | SF, r.eflags() & (CF | PF | AF | ZF | SF | OF));
    }

    @Test
    void bitTestsKeepTheFlagsTheyLeaveUndefined() {
        // BT EAX, ECX (bit 3 of 8): CF = 1; OF, SF, AF, PF kept as they were (all set).
        OracleResult r = pin(integer("bt", new int[] {0x0F, 0xA3, 0xC8}, new int[] {8, 3}, OF | SF | AF | PF, null,
                OracleCase.UndefinedPart.flags(Undefined.BIT_TEST_FLAGS, OF | SF | AF | PF)));
        assertEquals(CF | OF | SF | AF | PF, r.eflags() & (CF | PF | AF | ZF | SF | OF));
    }

    @Test
    void bitScansKeepTheFlagsTheyLeaveUndefined() {
        // BSF EDX, ECX with ECX = 10h: EDX = 4, ZF = 0; CF, OF, SF, AF, PF kept (CF and PF set before).
        OracleResult r = pin(integer("bsf", new int[] {0x0F, 0xBC, 0xD1}, new int[] {0, 0x10, 0}, CF | PF | ZF, null,
                OracleCase.UndefinedPart.flags(Undefined.BIT_SCAN_FLAGS, CF | OF | SF | AF | PF)));
        assertEquals(4, r.gpr()[EDX]);
        assertEquals(CF | PF, r.eflags() & (CF | PF | AF | ZF | SF | OF));
    }

    @Test
    void bitScanOfZeroKeepsTheDestination() {
        // BSR EDX, ECX with ECX = 0: ZF = 1 and EDX unchanged.
        OracleResult r = pin(integer("bsr0", new int[] {0x0F, 0xBD, 0xD1}, new int[] {0, 0, 0x1234_5678}, 0, null,
                new OracleCase.UndefinedPart(Undefined.BIT_SCAN_ZERO_DESTINATION, 0, 0, 1 << EDX, 0, 0)));
        assertEquals(0x1234_5678, r.gpr()[EDX]);
        assertEquals(ZF, r.eflags() & ZF);
    }

    @Test
    void doubleShiftsClearAfAndSetOfOnASignChange() {
        // SHLD EAX, ECX, 4: 0F000000h:10000000h -> F0000001h; CF = 0 (bit 28 of EAX); OF = sign changed = 1; AF = 0.
        OracleResult r = pin(integer("shld", new int[] {0x0F, 0xA4, 0xC8, 0x04}, new int[] {0x0F00_0000, 0x1000_0000}, AF,
                null, OracleCase.UndefinedPart.flags(Undefined.DOUBLE_SHIFT_FLAGS, AF | OF)));
        assertEquals(0xF000_0001, r.gpr()[EAX]);
        assertEquals(OF | SF, r.eflags() & (CF | AF | ZF | SF | OF));
    }

    @Test
    void wideSixteenBitDoubleShiftsShiftThroughDestinationSourceDestination() {
        // 66 0F AD 3B: SHRD word [EBX], DI, CL with CL = 1Eh (a case the issue reported from an AMD
        // host, with DI as the source). Javelin shifts the 48 bits dst:src:dst right by 30: with dst = 1234h, src = ABCDh
        // the 48-bit value is 1234_ABCD_1234h, and bits 30..45 of it are 48D2h.
        byte[] data = new byte[OracleCase.DATA_SIZE];
        data[0] = 0x34;
        data[1] = 0x12;
        OracleResult r = pin(integer("shrd16", new int[] {0x66, 0x0F, 0xAD, 0x3B}, new int[] {0, 0x1E, 0, 0, 0, 0, 0, 0xABCD},
                0, data, new OracleCase.UndefinedPart(Undefined.DOUBLE_SHIFT_WIDE_COUNT, CF | PF | AF | ZF | SF | OF, 0, 0, 0, 2)));
        long wide = 0x1234L << 32 | 0xABCDL << 16 | 0x1234L;
        int expected = (int) (wide >>> 30) & 0xFFFF;
        assertEquals(0x48D2, expected);
        assertEquals(expected, (r.data()[0] & 0xFF) | (r.data()[1] & 0xFF) << 8);
    }

    @Test
    void bcdAdjustmentsClearOf() {
        // DAA with AL = 0Fh: AL = 15h, AF = 1, CF = 0; OF cleared (it was set).
        OracleResult r = pin(integer("daa", new int[] {0x27}, new int[] {0x0F}, OF, null,
                OracleCase.UndefinedPart.flags(Undefined.BCD_FLAGS, OF)));
        assertEquals(0x15, r.gpr()[EAX] & 0xFF);
        assertEquals(0, r.eflags() & OF);
    }

    @Test
    void sixteenBitBswapClearsTheLowWord() {
        // 66 0F C8: BSWAP AX: the low word becomes 0, the high word stays.
        OracleResult r = pin(integer("bswap16", new int[] {0x66, 0x0F, 0xC8}, new int[] {0x1234_5678}, 0, null,
                new OracleCase.UndefinedPart(Undefined.BSWAP_16BIT, 0, 0, 1 << EAX, 0, 0)));
        assertEquals(0x1234_0000, r.gpr()[EAX]);
    }

    @Test
    void x87ConditionCodesAreMaskedInTheStatusWord() {
        // FLD1 then the check: only the status word's undefined C0/C2/C3 are left out.
        OracleCase c = new OracleCase(OracleCase.Kind.X87, "fld1", List.of(0, 0, 0, OracleCase.DATA_ADDR, 0, 0, 0, 0), 0,
                emptyFpu(), new byte[OracleCase.DATA_SIZE], new byte[] {(byte) 0xD9, (byte) 0xE8},
                List.of(OracleCase.UndefinedPart.status(Undefined.X87_CONDITION_CODES, 0x4500)));
        OracleResult r = pin(c);
        assertEquals(0x3800, Comparison.get32(r.fsave(), 4) & 0x3800, "TOP = 7 after one push");
    }

    @Test
    void theGeneratorProducesEveryClass() {
        CaseGenerator gen = new CaseGenerator(7);
        Set<Undefined> seen = EnumSet.noneOf(Undefined.class);
        boolean wideInMemory = false, wideInRegister = false;
        for (OracleCase c : gen.batch(30_000)) {
            for (OracleCase.UndefinedPart p : c.undefined()) {
                seen.add(p.what());
                if (p.what() == Undefined.DOUBLE_SHIFT_WIDE_COUNT) {
                    wideInMemory |= p.dataTo() > p.dataFrom();
                    wideInRegister |= p.regs() != 0;
                }
            }
        }
        assertEquals(EnumSet.allOf(Undefined.class), seen);
        assertTrue(wideInMemory && wideInRegister, "wide double shifts with memory and register destinations");
    }

    /** An FNSAVE image of an empty x87 (control word 037Fh, all tags empty). */
    private static byte[] emptyFpu() {
        byte[] f = new byte[OracleCase.FSAVE_SIZE];
        f[0] = 0x7F;
        f[1] = 0x03;
        f[8] = (byte) 0xFF;
        f[9] = (byte) 0xFF;
        return f;
    }
}
