package javelin.cpu.x86.oracle;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import javelin.cpu.x86.fpu.Float80;

/**
 * Compares the host's and Javelin's results of one case: the fault, GPRs (ESP excluded), the
 * status flags, the data bytes, and for x87 cases the FNSAVE image except the
 * instruction/operand pointer fields (bytes 12-27, which hold host addresses), leaving out the
 * undefined parts given as {@link OracleCase.Masks}.
 */
final class Comparison {
    private Comparison() { }

    /** Status-flag bits the harness loads and stores: CF PF AF ZF SF DF OF. */
    static final int FLAGS = 0x0CD5;

    /** The differences, empty if the results agree. */
    static List<String> differences(OracleCase c, OracleResult host, OracleResult ours, OracleCase.Masks skip) {
        List<String> d = new ArrayList<>();
        if (!host.fault().equals(ours.fault())) {
            d.add("fault: host " + host.fault() + ", javelin " + ours.fault());
            return d;
        }
        if (!host.fault().equals(OracleResult.NONE)) return d;
        String[] names = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
        for (int r = 0; r < 8; r++) {
            if (r == 4 || (skip.regs() & 1 << r) != 0) continue;
            if (host.gpr()[r] != ours.gpr()[r]) {
                d.add(String.format("%s: host %08X, javelin %08X", names[r], host.gpr()[r], ours.gpr()[r]));
            }
        }
        int mask = FLAGS & ~skip.flags();
        if (((host.eflags() ^ ours.eflags()) & mask) != 0) {
            d.add(String.format("eflags (mask %04X): host %08X, javelin %08X", mask, host.eflags() & mask, ours.eflags() & mask));
        }
        int[] pointers = pointerBytes(c);
        for (int i = 0; i < OracleCase.DATA_SIZE; i++) {
            if (i >= pointers[0] && i < pointers[1] || skip.skipsData(i)) continue;
            if (host.data()[i] != ours.data()[i]) {
                d.add("data differs from byte " + i);
                break;
            }
        }
        if (c.kind() == OracleCase.Kind.INTEGER) return d;
        byte[] h = host.fsave(), o = ours.fsave();
        int cwH = get32(h, 0), cwO = get32(o, 0);
        if (cwH != cwO) d.add(String.format("control word: host %08X, javelin %08X", cwH, cwO));
        int swMask = ~skip.status();
        int swH = get32(h, 4) & swMask, swO = get32(o, 4) & swMask;
        if (swH != swO) d.add(String.format("status word (mask %04X): host %08X, javelin %08X", swMask & 0xFFFF, swH, swO));
        int twH = get32(h, 8), twO = get32(o, 8);
        if (twH != twO) d.add(String.format("tag word: host %08X, javelin %08X", twH, twO));
        for (int st = 0; st < 8; st++) {
            Float80 a = Float80.fromBytes(h, 28 + 10 * st), b = Float80.fromBytes(o, 28 + 10 * st);
            if (!a.equals(b)) d.add("st" + st + ": host " + a + ", javelin " + b + ulpText(a, b));
        }
        return d;
    }

    /**
     * The data bytes [from, to) that hold instruction/operand pointers in a stored FSTENV/FNSAVE
     * image (host addresses): 12-27 in the 32-bit layout, 6-13 in the 16-bit one.
     */
    private static int[] pointerBytes(OracleCase c) {
        byte[] code = c.code();
        if (c.kind() == OracleCase.Kind.INTEGER) return new int[] {0, 0};
        boolean op16 = code[0] == 0x66;
        int opcode = code[op16 ? 1 : 0] & 0xFF, modrm = code[op16 ? 2 : 1] & 0xFF;
        boolean store = (opcode == 0xD9 || opcode == 0xDD) && (modrm & 0xC0) != 0xC0 && ((modrm >>> 3) & 7) == 6;
        if (!store) return new int[] {0, 0};
        return op16 ? new int[] {6, 14} : new int[] {12, 28};
    }

    /** Distance in units in the last place (64-bit significand) between two finite values of one sign, or -1. */
    static long ulps(Float80 a, Float80 b) {
        if (a.negative() != b.negative() || a.exponent() == 0x7FFF || b.exponent() == 0x7FFF) return -1;
        BigInteger d = key(a).subtract(key(b)).abs();
        return d.bitLength() > 62 ? -1 : d.longValue();
    }

    private static BigInteger key(Float80 x) {
        long sig = x.significand();
        int e = x.exponent();
        if (e == 0) return BigInteger.valueOf(sig & Long.MAX_VALUE);
        return BigInteger.valueOf(e).shiftLeft(63).add(BigInteger.valueOf(sig & Long.MAX_VALUE));
    }

    private static String ulpText(Float80 a, Float80 b) {
        long u = ulps(a, b);
        return u < 0 ? "" : " (" + u + " ulp)";
    }

    static int get32(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8 | (b[off + 2] & 0xFF) << 16 | (b[off + 3] & 0xFF) << 24;
    }
}
