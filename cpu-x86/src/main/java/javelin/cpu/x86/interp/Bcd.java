package javelin.cpu.x86.interp;

import static javelin.cpu.x86.CpuState.*;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.LazyFlags;

/**
 * Decimal adjustments (SDM vol. 2, DAA, DAS, AAA, AAS, AAM, AAD) and the undocumented SALC.
 * The algorithms are the SDM's pseudocode; flags the SDM leaves undefined follow the result
 * (SF, ZF, PF from AL) or are cleared (OF).
 */
final class Bcd {
    private Bcd() { }

    static void daa(CpuState cpu) {
        int flags = LazyFlags.arithFlags(cpu);
        int al = cpu.regs[EAX] & 0xFF;
        boolean oldCf = (flags & CF) != 0;
        int f = 0;
        int r = al;
        if ((al & 0xF) > 9 || (flags & AF) != 0) {
            r += 6;
            if (r > 0xFF) f |= CF;
            if (oldCf) f |= CF;
            f |= AF;
        }
        if (al > 0x99 || oldCf) {
            r += 0x60;
            f |= CF;
        }
        setAl(cpu, r, f);
    }

    static void das(CpuState cpu) {
        int flags = LazyFlags.arithFlags(cpu);
        int al = cpu.regs[EAX] & 0xFF;
        boolean oldCf = (flags & CF) != 0;
        int f = 0;
        int r = al;
        if ((al & 0xF) > 9 || (flags & AF) != 0) {
            r -= 6;
            if (r < 0 || oldCf) f |= CF;
            f |= AF;
        }
        if (al > 0x99 || oldCf) {
            r -= 0x60;
            f |= CF;
        }
        setAl(cpu, r, f);
    }

    private static void setAl(CpuState cpu, int r, int f) {
        r &= 0xFF;
        cpu.regs[EAX] = (cpu.regs[EAX] & ~0xFF) | r;
        LazyFlags.setArithFlags(cpu, f | LazyFlags.parity(r) | (r == 0 ? ZF : 0) | ((r & 0x80) != 0 ? SF : 0));
    }

    /** AAA: AX + 106h when the low nibble overflowed (SDM: AX, not AL, takes the +6 on later CPUs). */
    static void aaa(CpuState cpu) {
        adjust(cpu, true);
    }

    static void aas(CpuState cpu) {
        adjust(cpu, false);
    }

    private static void adjust(CpuState cpu, boolean add) {
        int flags = LazyFlags.arithFlags(cpu);
        int ax = cpu.regs[EAX] & 0xFFFF;
        int f;
        if ((ax & 0xF) > 9 || (flags & AF) != 0) {
            ax = add ? ax + 0x106 : ax - 0x106;
            f = AF | CF;
        } else {
            f = 0;
        }
        ax &= 0xFF0F;
        cpu.regs[EAX] = (cpu.regs[EAX] & ~0xFFFF) | ax;
        int al = ax & 0xFF;
        LazyFlags.setArithFlags(cpu, f | LazyFlags.parity(al) | (al == 0 ? ZF : 0));
    }

    static void aam(CpuState cpu, int base) {
        base &= 0xFF;
        if (base == 0) throw CpuFault.of(CpuFault.DE);
        int al = cpu.regs[EAX] & 0xFF;
        int r = ((al / base) << 8) | (al % base);
        cpu.regs[EAX] = (cpu.regs[EAX] & ~0xFFFF) | r;
        int nal = r & 0xFF;
        LazyFlags.setArithFlags(cpu, LazyFlags.parity(nal) | (nal == 0 ? ZF : 0) | ((nal & 0x80) != 0 ? SF : 0));
    }

    static void aad(CpuState cpu, int base) {
        base &= 0xFF;
        int al = cpu.regs[EAX] & 0xFF;
        int ah = (cpu.regs[EAX] >>> 8) & 0xFF;
        int r = (al + ah * base) & 0xFF;
        cpu.regs[EAX] = (cpu.regs[EAX] & ~0xFFFF) | r;
        LazyFlags.setArithFlags(cpu, LazyFlags.parity(r) | (r == 0 ? ZF : 0) | ((r & 0x80) != 0 ? SF : 0));
    }

    /** SALC (D6, undocumented): AL = CF ? FFh : 00h, flags unchanged. */
    static void salc(CpuState cpu) {
        cpu.regs[EAX] = (cpu.regs[EAX] & ~0xFF) | (LazyFlags.carry(cpu) ? 0xFF : 0);
    }
}
