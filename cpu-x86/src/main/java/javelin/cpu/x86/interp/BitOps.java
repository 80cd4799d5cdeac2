package javelin.cpu.x86.interp;

import static javelin.cpu.x86.CpuState.*;

import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.LazyFlags;

/**
 * Bit test and scan (SDM vol. 2, BT/BTS/BTR/BTC, BSF/BSR) and BSWAP. The bit-test methods work
 * on an already-loaded operand; the interpreter computes which word of memory a register bit
 * offset selects. BT* change only CF (the others the SDM leaves undefined are kept).
 */
final class BitOps {
    static final int OP_BT = 0, OP_BTS = 1, OP_BTR = 2, OP_BTC = 3;

    private BitOps() { }

    /** Tests bit {@code bit} (already reduced modulo the width) and returns the new operand. */
    static int bitTest(CpuState cpu, int op, int value, int bit) {
        int m = 1 << bit;
        int flags = LazyFlags.arithFlags(cpu);
        LazyFlags.setArithFlags(cpu, (flags & ~CF) | ((value & m) != 0 ? CF : 0));
        return switch (op) {
            case OP_BTS -> value | m;
            case OP_BTR -> value & ~m;
            case OP_BTC -> value ^ m;
            default -> value;
        };
    }

    /** BSF/BSR: ZF = (src == 0); returns the bit index, or -1 (destination unchanged) for 0. */
    static int scan(CpuState cpu, boolean forward, int src, int size) {
        src &= LazyFlags.mask(size);
        int flags = LazyFlags.arithFlags(cpu);
        if (src == 0) {
            LazyFlags.setArithFlags(cpu, flags | ZF);
            return -1;
        }
        int i = forward ? Integer.numberOfTrailingZeros(src) : 31 - Integer.numberOfLeadingZeros(src);
        LazyFlags.setArithFlags(cpu, flags & ~ZF);
        return i;
    }

    /** BSWAP: a 16-bit operand gives 0 in the low word (undefined in the SDM; what P6 does). */
    static int bswap(int value, int size) {
        return size == 4 ? Integer.reverseBytes(value) : value & 0xFFFF_0000;
    }
}
