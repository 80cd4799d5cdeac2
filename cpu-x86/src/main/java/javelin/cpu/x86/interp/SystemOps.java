package javelin.cpu.x86.interp;

import static javelin.cpu.x86.CpuState.*;
import static javelin.cpu.x86.decode.DecodedInsn.*;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.Cpuid;
import javelin.cpu.x86.LazyFlags;
import javelin.cpu.x86.decode.DecodedInsn;

/**
 * System instructions as the interpreter runs them: operand fetch and store here, the
 * architectural effect as the SDM (vol. 2 and vol. 3, chapter 2) describes for real mode and
 * for the protected-mode cases that need no descriptor tables. Descriptor-based ones (LLDT,
 * LTR, LAR, LSL, VERR, VERW) and SYSENTER/SYSEXIT belong to cpu-sys's
 * {@code javelin.cpu.x86.system} (TODO(#2): call SystemInstructions when it lands).
 */
final class SystemOps {
    // MSR numbers (SDM vol. 4, table 2-2 for the P6 family).
    static final int MSR_TSC = 0x10, MSR_APIC_BASE = 0x1B, MSR_SYSENTER_CS = 0x174, MSR_SYSENTER_ESP = 0x175,
            MSR_SYSENTER_EIP = 0x176;
    /** CPUID.1:EDX as implemented so far: no FPU (issue 2 leaves x87 for later). */
    static final int FEATURES = Cpuid.FEAT_PSE | Cpuid.FEAT_TSC | Cpuid.FEAT_MSR | Cpuid.FEAT_CX8 | Cpuid.FEAT_CMOV;

    private final CpuState cpu;
    private final SegmentedMemory mem;
    private final Interpreter in;

    SystemOps(CpuState cpu, SegmentedMemory mem, Interpreter in) {
        this.cpu = cpu;
        this.mem = mem;
        this.in = in;
    }

    private boolean protectedNotV86() {
        return (cpu.cr0 & CR0_PE) != 0 && !cpu.v86Mode();
    }

    /** Instructions that exist only in protected mode raise #UD in real and v86 mode (SDM vol. 2). */
    private void requireProtected() {
        if (!protectedNotV86()) throw CpuFault.of(CpuFault.UD);
    }

    private void requireCpl0() {
        if (cpu.cpl != 0) throw CpuFault.withCode(CpuFault.GP, 0);
    }

    void execute(DecodedInsn d) {
        int ea = in.effectiveAddressOfCurrent();
        int[] r = cpu.regs;
        switch (d.mnemonic) {
            case SLDT, STR -> {
                requireProtected();
                int sel = d.mnemonic == javelin.cpu.x86.decode.Mnemonic.SLDT ? cpu.ldtrSel : cpu.trSel;
                if (d.kind[0] == K_MEM) mem.write(d.seg, ea, 2, sel);
                else in.setReg(d.num[0], d.opSize, sel);
            }
            case SGDT, SIDT -> {
                boolean gdt = d.mnemonic == javelin.cpu.x86.decode.Mnemonic.SGDT;
                mem.write(d.seg, ea, 2, gdt ? cpu.gdtrLimit : cpu.idtrLimit);
                mem.write(d.seg, wrap(d, ea + 2), 4, gdt ? cpu.gdtrBase : cpu.idtrBase);
            }
            case LGDT, LIDT -> {
                int limit = mem.read(d.seg, ea, 2);
                int base = mem.read(d.seg, wrap(d, ea + 2), 4);
                if (d.opSize == 2) base &= 0x00FF_FFFF;
                if (d.mnemonic == javelin.cpu.x86.decode.Mnemonic.LGDT) {
                    cpu.gdtrBase = base;
                    cpu.gdtrLimit = limit;
                } else {
                    cpu.idtrBase = base;
                    cpu.idtrLimit = limit;
                }
            }
            case SMSW -> {
                if (d.kind[0] == K_MEM) mem.write(d.seg, ea, 2, cpu.cr0);
                else in.setReg(d.num[0], d.opSize, cpu.cr0);
            }
            case LMSW -> {
                int v = d.kind[0] == K_MEM ? mem.read(d.seg, ea, 2) : in.getReg(d.num[0], 2);
                // LMSW loads PE, MP, EM, TS and cannot clear PE (SDM vol. 2, LMSW).
                int low = (v & 0xF) | (cpu.cr0 & CR0_PE);
                writeCr0((cpu.cr0 & ~0xF) | low);
            }
            case INVLPG -> {
                int lin = mem.linear(d.seg, ea, 1, false);
                cpu.mmu.flushPage(lin);
            }
            case CLTS -> cpu.cr0 &= ~CR0_TS;
            case MOV_CR -> {
                if (d.kind[0] == K_CREG) writeCr(d.num[0], r[d.num[1]]);
                else r[d.num[0]] = readCr(d.num[1]);
            }
            case MOV_DR -> {
                if (d.kind[0] == K_DREG) writeDr(d.num[0], r[d.num[1]]);
                else r[d.num[0]] = readDr(d.num[1]);
            }
            case MOV_TR -> throw CpuFault.of(CpuFault.UD);   // test registers are gone on the P6 family
            case INVD, WBINVD -> { }
            case RDTSC -> {
                if ((cpu.cr4 & CR4_TSD) != 0 && cpu.cpl != 0 && protectedNotV86()) throw CpuFault.withCode(CpuFault.GP, 0);
                long tsc = tsc();
                r[EAX] = (int) tsc;
                r[EDX] = (int) (tsc >>> 32);
            }
            case RDPMC -> {
                if ((cpu.cr4 & CR4_PCE) == 0 && cpu.cpl != 0) throw CpuFault.withCode(CpuFault.GP, 0);
                if ((r[ECX] & 0xFFFF_FFFFL) > 1) throw CpuFault.withCode(CpuFault.GP, 0);
                r[EAX] = 0;
                r[EDX] = 0;
            }
            case RDMSR -> {
                long v = readMsr(r[ECX]);
                r[EAX] = (int) v;
                r[EDX] = (int) (v >>> 32);
            }
            case WRMSR -> writeMsr(r[ECX], (r[EAX] & 0xFFFF_FFFFL) | ((long) r[EDX] << 32));
            case CPUID -> cpuid();
            case SYSENTER, SYSEXIT -> {
                // Both need protected mode (SDM vol. 2, SYSENTER: #GP(0) if CR0.PE = 0 or SYSENTER_CS_MSR = 0).
                if ((cpu.cr0 & CR0_PE) == 0) throw CpuFault.withCode(CpuFault.GP, 0);
                throw new UnsupportedOperationException("SYSENTER/SYSEXIT need javelin.cpu.x86.system (cpu-sys)");
            }
            case ARPL -> {
                requireProtected();
                int dst = d.kind[0] == K_MEM ? mem.read(d.seg, ea, 2) : in.getReg(d.num[0], 2);
                int src = in.getReg(d.num[1], 2);
                int f = LazyFlags.arithFlags(cpu);
                if ((dst & 3) < (src & 3)) {
                    dst = (dst & ~3) | (src & 3);
                    if (d.kind[0] == K_MEM) mem.write(d.seg, ea, 2, dst);
                    else in.setReg(d.num[0], 2, dst);
                    LazyFlags.setArithFlags(cpu, f | ZF);
                } else {
                    LazyFlags.setArithFlags(cpu, f & ~ZF);
                }
            }
            case LLDT, LTR, LAR, LSL, VERR, VERW -> {
                requireProtected();
                throw new UnsupportedOperationException(d.mnemonic + " needs javelin.cpu.x86.system (cpu-sys)");
            }
            default -> throw new IllegalStateException("no semantics for " + d.mnemonic);
        }
    }

    private static int wrap(DecodedInsn d, int off) {
        return d.addr32 ? off : off & 0xFFFF;
    }

    private long tsc() {
        return cpu.tscOffset + in.retired();
    }

    int readCr(int n) {
        return switch (n) {
            case 0 -> cpu.cr0;
            case 2 -> cpu.cr2;
            case 3 -> cpu.cr3;
            case 4 -> cpu.cr4;
            default -> throw CpuFault.of(CpuFault.UD);
        };
    }

    void writeCr(int n, int v) {
        switch (n) {
            case 0 -> writeCr0(v);
            case 2 -> cpu.cr2 = v;
            case 3 -> {
                cpu.cr3 = v;
                cpu.mmu.flushAll();
            }
            case 4 -> {
                // Reserved bits and PAE (no PAE walk yet) fault (SDM vol. 3, 2.5).
                if ((v & ~(CR4_VME | CR4_PVI | CR4_TSD | CR4_DE | CR4_PSE | CR4_MCE | CR4_PGE | CR4_PCE)) != 0) {
                    throw CpuFault.withCode(CpuFault.GP, 0);
                }
                cpu.cr4 = v;
                cpu.mmu.flushAll();
            }
            default -> throw CpuFault.of(CpuFault.UD);
        }
    }

    private void writeCr0(int v) {
        // PG without PE, or NW without CD, is #GP(0) (SDM vol. 3, 2.5); ET is hardwired to 1 on the P6.
        if ((v & CR0_PG) != 0 && (v & CR0_PE) == 0) throw CpuFault.withCode(CpuFault.GP, 0);
        if ((v & CR0_NW) != 0 && (v & CR0_CD) == 0) throw CpuFault.withCode(CpuFault.GP, 0);
        int old = cpu.cr0;
        cpu.cr0 = v | CR0_ET;
        if (((old ^ cpu.cr0) & (CR0_PG | CR0_PE | CR0_WP)) != 0) cpu.mmu.flushAll();
        cpu.updateModeCaches();
    }

    private int readDr(int n) {
        if ((n == 4 || n == 5) && (cpu.cr4 & CR4_DE) != 0) throw CpuFault.of(CpuFault.UD);
        int i = n == 4 ? 6 : n == 5 ? 7 : n;
        return cpu.dr[i];
    }

    private void writeDr(int n, int v) {
        if ((n == 4 || n == 5) && (cpu.cr4 & CR4_DE) != 0) throw CpuFault.of(CpuFault.UD);
        int i = n == 4 ? 6 : n == 5 ? 7 : n;
        cpu.dr[i] = switch (i) {
            case 6 -> (v & 0xE00F) | 0xFFFF_0FF0;
            case 7 -> (v & 0xFFFF_2BFF) | 0x400;
            default -> v;
        };
    }

    private long readMsr(int msr) {
        return switch (msr) {
            case MSR_TSC -> tsc();
            case MSR_APIC_BASE -> cpu.apicBaseMsr;
            case MSR_SYSENTER_CS -> cpu.sysenterCs & 0xFFFF_FFFFL;
            case MSR_SYSENTER_ESP -> cpu.sysenterEsp & 0xFFFF_FFFFL;
            case MSR_SYSENTER_EIP -> cpu.sysenterEip & 0xFFFF_FFFFL;
            default -> throw CpuFault.withCode(CpuFault.GP, 0);
        };
    }

    private void writeMsr(int msr, long v) {
        switch (msr) {
            case MSR_TSC -> cpu.tscOffset = v - in.retired();
            case MSR_APIC_BASE -> cpu.apicBaseMsr = v & 0xFFFF_F900L;
            case MSR_SYSENTER_CS -> cpu.sysenterCs = (int) v;
            case MSR_SYSENTER_ESP -> cpu.sysenterEsp = (int) v;
            case MSR_SYSENTER_EIP -> cpu.sysenterEip = (int) v;
            default -> throw CpuFault.withCode(CpuFault.GP, 0);
        }
    }

    /** CPUID leaves 0 and 1 (SDM vol. 2, CPUID); higher leaves answer as the highest basic leaf. */
    private void cpuid() {
        int[] r = cpu.regs;
        if (r[EAX] == 0) {
            r[EAX] = 1;
            r[EBX] = 0x756E_6547;   // "Genu"
            r[EDX] = 0x4965_6E69;   // "ineI"
            r[ECX] = 0x6C65_746E;   // "ntel"
        } else {
            r[EAX] = Cpuid.SIGNATURE;
            r[EBX] = cpu.cpuIndex << 24;
            r[ECX] = 0;
            r[EDX] = FEATURES;
        }
    }
}
