package javelin.cpu.x86.interp;

import static javelin.cpu.x86.decode.DecodedInsn.*;

import javelin.cpu.x86.CpuSocket;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.decode.Mnemonic;
import javelin.cpu.x86.mmu.Mmu;
import javelin.cpu.x86.system.SystemInstructions;

/**
 * System instructions as the interpreter runs them: operands are fetched and results stored
 * here; the architectural effect, privilege and mode rules are those of
 * {@link SystemInstructions}, which the translator's code will call too.
 */
final class SystemOps {
    private final CpuState cpu;
    private final Mmu mmu;
    private final CpuSocket socket;
    private final SegmentedMemory mem;
    private final Interpreter in;

    SystemOps(CpuState cpu, Mmu mmu, CpuSocket socket, SegmentedMemory mem, Interpreter in) {
        this.cpu = cpu;
        this.mmu = mmu;
        this.socket = socket;
        this.mem = mem;
        this.in = in;
    }

    private int getWord(DecodedInsn d, int ea) {
        return d.kind[0] == K_MEM ? mem.read(d.seg, ea, 2) : in.getReg(d.num[0], 2);
    }

    /** Stores a selector or MSW: 16 bits to memory, the operand size to a register (zero-extended). */
    private void putWord(DecodedInsn d, int ea, int v) {
        if (d.kind[0] == K_MEM) mem.write(d.seg, ea, 2, v);
        else in.setReg(d.num[0], d.opSize, d.opSize == 4 ? v : v & 0xFFFF);
    }

    private static int wrap(DecodedInsn d, int off) {
        return d.addr32 ? off : off & 0xFFFF;
    }

    void execute(DecodedInsn d) {
        int ea = in.effectiveAddressOfCurrent();
        int[] r = cpu.regs;
        switch (d.mnemonic) {
            case SLDT -> putWord(d, ea, SystemInstructions.sldt(cpu) & 0xFFFF);
            case STR -> putWord(d, ea, SystemInstructions.str(cpu) & 0xFFFF);
            case LLDT -> SystemInstructions.lldt(cpu, mmu, getWord(d, ea));
            case LTR -> SystemInstructions.ltr(cpu, mmu, getWord(d, ea));
            case VERR -> SystemInstructions.verr(cpu, mmu, getWord(d, ea));
            case VERW -> SystemInstructions.verw(cpu, mmu, getWord(d, ea));
            case SGDT, SIDT -> {
                boolean gdt = d.mnemonic == Mnemonic.SGDT;
                // With a 16-bit operand the 386 and later store all 32 base bits (SDM vol. 2, SGDT).
                mem.write(d.seg, ea, 2, gdt ? cpu.gdtrLimit : cpu.idtrLimit);
                mem.write(d.seg, wrap(d, ea + 2), 4, gdt ? cpu.gdtrBase : cpu.idtrBase);
            }
            case LGDT, LIDT -> {
                int limit = mem.read(d.seg, ea, 2);
                int base = mem.read(d.seg, wrap(d, ea + 2), 4);
                if (d.opSize == 2) base &= 0x00FF_FFFF;
                if (d.mnemonic == Mnemonic.LGDT) SystemInstructions.lgdt(cpu, base, limit);
                else SystemInstructions.lidt(cpu, base, limit);
            }
            case SMSW -> {
                int msw = SystemInstructions.smsw(cpu);
                putWord(d, ea, d.kind[0] == K_MEM ? msw & 0xFFFF : msw);
            }
            case LMSW -> SystemInstructions.lmsw(cpu, mmu, getWord(d, ea));
            case INVLPG -> SystemInstructions.invlpg(cpu, mmu, mem.linear(d.seg, ea, 1, false));
            case CLTS -> SystemInstructions.clts(cpu);
            case MOV_CR -> {
                if (d.kind[0] == K_CREG) SystemInstructions.movToCr(cpu, mmu, d.num[0], r[d.num[1]]);
                else r[d.num[0]] = SystemInstructions.movFromCr(cpu, d.num[1]);
            }
            case MOV_DR -> {
                if (d.kind[0] == K_DREG) SystemInstructions.movToDr(cpu, d.num[0], r[d.num[1]]);
                else r[d.num[0]] = SystemInstructions.movFromDr(cpu, d.num[1]);
            }
            case MOV_TR -> {
                if (d.kind[0] == K_TREG) SystemInstructions.movToTr(cpu, d.num[0], r[d.num[1]]);
                else r[d.num[0]] = SystemInstructions.movFromTr(cpu, d.num[1]);
            }
            case INVD -> SystemInstructions.invd(cpu);
            case WBINVD -> SystemInstructions.wbinvd(cpu);
            case RDTSC -> SystemInstructions.rdtsc(cpu, socket);
            case RDPMC -> SystemInstructions.rdpmc(cpu);
            case RDMSR -> SystemInstructions.rdmsr(cpu, socket);
            case WRMSR -> SystemInstructions.wrmsr(cpu, mmu, socket);
            case CPUID -> SystemInstructions.cpuid(cpu);
            case SYSENTER -> SystemInstructions.sysenter(cpu);
            case SYSEXIT -> SystemInstructions.sysexit(cpu);
            case ARPL -> {
                int dst = getWord(d, ea);
                int v = SystemInstructions.arpl(cpu, dst, in.getReg(d.num[1], 2));
                if (v != dst) {
                    if (d.kind[0] == K_MEM) mem.write(d.seg, ea, 2, v);
                    else in.setReg(d.num[0], 2, v);
                }
            }
            case LAR, LSL -> {
                int sel = d.kind[1] == K_MEM ? mem.read(d.seg, ea, 2) : in.getReg(d.num[1], 2);
                int v = d.mnemonic == Mnemonic.LAR ? SystemInstructions.lar(cpu, mmu, sel)
                        : SystemInstructions.lsl(cpu, mmu, sel);
                // ZF, not the -1 "invalid" value, decides: a 4 GiB limit is 0xFFFFFFFF too.
                if (javelin.cpu.x86.LazyFlags.zero(cpu)) in.setReg(d.num[0], d.opSize, v);
            }
            default -> throw new IllegalStateException("no semantics for " + d.mnemonic);
        }
    }
}
