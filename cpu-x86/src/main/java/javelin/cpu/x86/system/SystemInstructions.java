package javelin.cpu.x86.system;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuSocket;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.Cpuid;
import javelin.cpu.x86.LazyFlags;
import javelin.cpu.x86.mmu.Mmu;

/**
 * The system instructions (SDM vol. 2, each instruction's page; vol. 3, 2.8 and 20): operands
 * are fetched by the interpreter, results are returned or stored in {@link CpuState}. Every
 * method applies the instruction's privilege rule: #GP(0) for a privileged instruction at
 * CPL &gt; 0, #UD for protected-mode-only instructions in real or v86 mode.
 */
public final class SystemInstructions {
    private static final System.Logger LOG = System.getLogger(SystemInstructions.class.getName());
    /** DR7 breakpoint enables (L0-G3); DR6/DR7 read-as-one and read-as-zero bits (SDM vol. 3, 17.2). */
    static final int DR7_ENABLES = 0xFF, DR6_FIXED_ONES = 0xFFFF_0FF0, DR7_FIXED_ONES = 0x400;
    static final int DR6_WRITABLE = 0xE00F, DR7_WRITABLE = 0xFFFF_2BFF;
    private static boolean breakpointsLogged;

    private SystemInstructions() { }

    static void requireCpl0(CpuState cpu) {
        if (cpu.cpl != 0) throw CpuFault.withCode(CpuFault.GP, 0);
    }

    private static void requireProtectedMode(CpuState cpu) {
        if (!cpu.protectedMode() || cpu.v86Mode()) throw CpuFault.of(CpuFault.UD);
    }

    private static void setZf(CpuState cpu, boolean zf) {
        int flags = LazyFlags.arithFlags(cpu);
        LazyFlags.setArithFlags(cpu, zf ? flags | CpuState.ZF : flags & ~CpuState.ZF);
    }

    // ---- descriptor-table registers ------------------------------------------------------

    /** LGDT: {@code base} is already masked to 24 bits for a 16-bit operand size. */
    public static void lgdt(CpuState cpu, int base, int limit) {
        requireCpl0(cpu);
        cpu.gdtrBase = base;
        cpu.gdtrLimit = limit & 0xFFFF;
    }

    public static void lidt(CpuState cpu, int base, int limit) {
        requireCpl0(cpu);
        cpu.idtrBase = base;
        cpu.idtrLimit = limit & 0xFFFF;
    }

    /** LLDT (SDM vol. 2): a GDT selector of an LDT descriptor, or null to disable the LDT. */
    public static void lldt(CpuState cpu, Mmu mmu, int selector) {
        requireProtectedMode(cpu);
        requireCpl0(cpu);
        selector &= 0xFFFF;
        if (Descriptor.isNull(selector)) {
            cpu.ldtrSel = selector;
            cpu.ldtrBase = cpu.ldtrLimit = cpu.ldtrAttr = 0;
            return;
        }
        int code = selector & 0xFFFC;
        if ((selector & Descriptor.SEL_TI) != 0) throw CpuFault.withCode(CpuFault.GP, code);
        long d = Descriptor.fetch(cpu, mmu, selector, CpuFault.GP, 0);
        if (Descriptor.isCodeOrData(d) || Descriptor.type(d) != Descriptor.SYS_LDT) throw CpuFault.withCode(CpuFault.GP, code);
        if (!Descriptor.present(d)) throw CpuFault.withCode(CpuFault.NP, code);
        cpu.ldtrSel = selector;
        cpu.ldtrBase = Descriptor.base(d);
        cpu.ldtrLimit = Descriptor.limit(d);
        cpu.ldtrAttr = Descriptor.attr(d);
    }

    /** LTR (SDM vol. 2): an available TSS in the GDT, which becomes busy. */
    public static void ltr(CpuState cpu, Mmu mmu, int selector) {
        requireProtectedMode(cpu);
        requireCpl0(cpu);
        selector &= 0xFFFF;
        if (Descriptor.isNull(selector)) throw CpuFault.withCode(CpuFault.GP, 0);
        int code = selector & 0xFFFC;
        if ((selector & Descriptor.SEL_TI) != 0) throw CpuFault.withCode(CpuFault.GP, code);
        long d = Descriptor.fetch(cpu, mmu, selector, CpuFault.GP, 0);
        int type = Descriptor.type(d);
        if (Descriptor.isCodeOrData(d) || (type != Descriptor.SYS_TSS16_AVAILABLE && type != Descriptor.SYS_TSS32_AVAILABLE)) {
            throw CpuFault.withCode(CpuFault.GP, code);
        }
        if (!Descriptor.present(d)) throw CpuFault.withCode(CpuFault.NP, code);
        Descriptor.writeType(cpu, mmu, selector, d, type | Descriptor.TSS_BUSY);
        cpu.trSel = selector;
        cpu.trBase = Descriptor.base(d);
        cpu.trLimit = Descriptor.limit(d);
        cpu.trAttr = Descriptor.attr(d) | Descriptor.TSS_BUSY;
    }

    /** SLDT: the LDTR selector (#UD outside protected mode). */
    public static int sldt(CpuState cpu) {
        requireProtectedMode(cpu);
        return cpu.ldtrSel;
    }

    /** STR: the TR selector (#UD outside protected mode). */
    public static int str(CpuState cpu) {
        requireProtectedMode(cpu);
        return cpu.trSel;
    }

    // ---- CR0 shortcuts ------------------------------------------------------------------

    /** LMSW: loads PE, MP, EM, TS; PE can be set but not cleared. */
    public static void lmsw(CpuState cpu, Mmu mmu, int value) {
        requireCpl0(cpu);
        int low = CpuState.CR0_PE | CpuState.CR0_MP | CpuState.CR0_EM | CpuState.CR0_TS;
        int v = (cpu.cr0 & ~(low & ~CpuState.CR0_PE)) | (value & low);
        ControlRegisters.writeCr0(cpu, mmu, v);
    }

    /** SMSW: the low word of CR0 (the interpreter truncates to the operand size). */
    public static int smsw(CpuState cpu) {
        return cpu.cr0;
    }

    public static void clts(CpuState cpu) {
        requireCpl0(cpu);
        cpu.cr0 &= ~CpuState.CR0_TS;
    }

    // ---- control, debug and test registers ----------------------------------------------

    public static void movToCr(CpuState cpu, Mmu mmu, int n, int value) {
        requireCpl0(cpu);
        switch (n) {
            case 0 -> ControlRegisters.writeCr0(cpu, mmu, value);
            case 2 -> cpu.cr2 = value;
            case 3 -> ControlRegisters.writeCr3(cpu, mmu, value);
            case 4 -> ControlRegisters.writeCr4(cpu, mmu, value);
            default -> throw CpuFault.of(CpuFault.UD);
        }
    }

    public static int movFromCr(CpuState cpu, int n) {
        requireCpl0(cpu);
        return switch (n) {
            case 0 -> cpu.cr0;
            case 2 -> cpu.cr2;
            case 3 -> cpu.cr3;
            case 4 -> cpu.cr4;
            default -> throw CpuFault.of(CpuFault.UD);
        };
    }

    /** DR4/DR5 alias DR6/DR7 unless CR4.DE, which makes them #UD (SDM vol. 3, 17.2.2). */
    private static int debugRegister(CpuState cpu, int n) {
        if (n == 4 || n == 5) {
            if ((cpu.cr4 & CpuState.CR4_DE) != 0) throw CpuFault.of(CpuFault.UD);
            return n + 2;
        }
        return n;
    }

    public static void movToDr(CpuState cpu, int n, int value) {
        requireCpl0(cpu);
        int r = debugRegister(cpu, n);
        switch (r) {
            case 6 -> cpu.dr[6] = DR6_FIXED_ONES | (value & DR6_WRITABLE);
            case 7 -> {
                cpu.dr[7] = DR7_FIXED_ONES | (value & DR7_WRITABLE);
                if ((value & DR7_ENABLES) != 0 && !breakpointsLogged) {
                    breakpointsLogged = true;
                    LOG.log(System.Logger.Level.WARNING, "guest enabled hardware breakpoints in DR7; they do not trigger (logged once)");
                }
            }
            default -> cpu.dr[r] = value;
        }
    }

    public static int movFromDr(CpuState cpu, int n) {
        requireCpl0(cpu);
        return cpu.dr[debugRegister(cpu, n)];
    }

    /** MOV to/from TRn: the i386/i486 test registers are gone from the P6 on; #UD (SDM vol. 2, MOV). */
    public static void movToTr(CpuState cpu, int n, int value) {
        throw CpuFault.of(CpuFault.UD);
    }

    public static int movFromTr(CpuState cpu, int n) {
        throw CpuFault.of(CpuFault.UD);
    }

    // ---- caches and TLB -------------------------------------------------------------------

    public static void invlpg(CpuState cpu, Mmu mmu, int linear) {
        requireCpl0(cpu);
        mmu.flushPage(linear);
    }

    /** INVD and WBINVD: no caches are modelled, so only the privilege check remains. */
    public static void invd(CpuState cpu) {
        requireCpl0(cpu);
    }

    public static void wbinvd(CpuState cpu) {
        requireCpl0(cpu);
    }

    // ---- descriptor queries -------------------------------------------------------------

    /**
     * LAR: the access rights (descriptor high dword AND 00F0FF00H), with ZF set; or -1 with
     * ZF clear if the selector is null, beyond the table, an invalid type, or not visible at
     * CPL/RPL (SDM vol. 2, LAR: call and task gates, TSS and LDT are valid system types;
     * interrupt and trap gates are not).
     */
    public static int lar(CpuState cpu, Mmu mmu, int selector) {
        requireProtectedMode(cpu);
        long d = visibleDescriptor(cpu, mmu, selector, true);
        setZf(cpu, d != 0);
        return d == 0 ? -1 : Descriptor.hi(d) & 0x00F0_FF00;
    }

    /** LSL: the byte-granular limit with ZF set, or -1 with ZF clear (only TSS and LDT of the system types). */
    public static int lsl(CpuState cpu, Mmu mmu, int selector) {
        requireProtectedMode(cpu);
        long d = visibleDescriptor(cpu, mmu, selector, false);
        setZf(cpu, d != 0);
        return d == 0 ? -1 : Descriptor.limit(d);
    }

    public static boolean verr(CpuState cpu, Mmu mmu, int selector) {
        requireProtectedMode(cpu);
        long d = visibleDescriptor(cpu, mmu, selector, false);
        boolean ok = d != 0 && Descriptor.isReadable(d);
        setZf(cpu, ok);
        return ok;
    }

    public static boolean verw(CpuState cpu, Mmu mmu, int selector) {
        requireProtectedMode(cpu);
        long d = visibleDescriptor(cpu, mmu, selector, false);
        boolean ok = d != 0 && Descriptor.isWritableData(d);
        setZf(cpu, ok);
        return ok;
    }

    /**
     * The descriptor a LAR/LSL/VERR/VERW may report, or 0: non-null, within the table, a type
     * the instruction accepts, and DPL &gt;= CPL and RPL unless conforming code.
     */
    private static long visibleDescriptor(CpuState cpu, Mmu mmu, int selector, boolean gatesAllowed) {
        selector &= 0xFFFF;
        if (Descriptor.isNull(selector)) return 0;
        long at = Descriptor.address(cpu, selector);
        if (at < 0) return 0;
        long d = Descriptor.read(cpu, mmu, (int) at);
        if (!Descriptor.isCodeOrData(d)) {
            int type = Descriptor.type(d);
            boolean ok = switch (type) {
                case Descriptor.SYS_TSS16_AVAILABLE, Descriptor.SYS_LDT, Descriptor.SYS_TSS16_BUSY,
                        Descriptor.SYS_TSS32_AVAILABLE, Descriptor.SYS_TSS32_BUSY -> true;
                case Descriptor.SYS_CALL_GATE16, Descriptor.SYS_TASK_GATE, Descriptor.SYS_CALL_GATE32 -> gatesAllowed;
                default -> false;
            };
            if (!ok) return 0;
        }
        if (!Descriptor.isConformingCode(d)) {
            int dpl = Descriptor.dpl(d);
            if (dpl < cpu.cpl || dpl < (selector & 3)) return 0;
        }
        return d;
    }

    /** ARPL: raises the RPL of {@code dest} to that of {@code src}, setting ZF if it changed. */
    public static int arpl(CpuState cpu, int dest, int src) {
        requireProtectedMode(cpu);
        boolean raise = (dest & 3) < (src & 3);
        setZf(cpu, raise);
        return raise ? (dest & ~3) | (src & 3) : dest;
    }

    // ---- MSRs, counters, CPUID -------------------------------------------------------------

    /** RDMSR: MSR[ECX] into EDX:EAX. */
    public static void rdmsr(CpuState cpu, CpuSocket socket) {
        requireCpl0(cpu);
        long v = ModelSpecificRegisters.read(cpu, socket, cpu.regs[CpuState.ECX]);
        cpu.regs[CpuState.EAX] = (int) v;
        cpu.regs[CpuState.EDX] = (int) (v >>> 32);
    }

    /** WRMSR: EDX:EAX into MSR[ECX]. */
    public static void wrmsr(CpuState cpu, Mmu mmu, CpuSocket socket) {
        requireCpl0(cpu);
        long v = (cpu.regs[CpuState.EAX] & 0xFFFF_FFFFL) | ((long) cpu.regs[CpuState.EDX] << 32);
        ModelSpecificRegisters.write(cpu, mmu, socket, cpu.regs[CpuState.ECX], v);
    }

    /** RDTSC: #GP(0) with CR4.TSD outside CPL 0. */
    public static void rdtsc(CpuState cpu, CpuSocket socket) {
        if ((cpu.cr4 & CpuState.CR4_TSD) != 0 && cpu.cpl != 0 && cpu.protectedMode()) {
            throw CpuFault.withCode(CpuFault.GP, 0);
        }
        long v = cpu.readTsc(socket.clock.nanos());
        cpu.regs[CpuState.EAX] = (int) v;
        cpu.regs[CpuState.EDX] = (int) (v >>> 32);
    }

    /** RDPMC: counters 0 and 1 exist (P6) and count nothing; #GP(0) without CR4.PCE outside CPL 0. */
    public static void rdpmc(CpuState cpu) {
        if ((cpu.cr4 & CpuState.CR4_PCE) == 0 && cpu.cpl != 0 && cpu.protectedMode()) {
            throw CpuFault.withCode(CpuFault.GP, 0);
        }
        if (Integer.compareUnsigned(cpu.regs[CpuState.ECX], 1) > 0) throw CpuFault.withCode(CpuFault.GP, 0);
        cpu.regs[CpuState.EAX] = 0;
        cpu.regs[CpuState.EDX] = 0;
    }

    public static void cpuid(CpuState cpu) {
        int[] r = Cpuid.query(cpu.regs[CpuState.EAX], cpu.cpuIndex);
        cpu.regs[CpuState.EAX] = r[0];
        cpu.regs[CpuState.EBX] = r[1];
        cpu.regs[CpuState.ECX] = r[2];
        cpu.regs[CpuState.EDX] = r[3];
    }

    // ---- SYSENTER / SYSEXIT (SDM vol. 2) ---------------------------------------------------

    /** Flat 4 GiB, 32-bit, present, accessed: the code segment SYSENTER/SYSEXIT load. */
    private static final long FLAT_CODE = 0x00CF_9B00_0000_FFFFL;
    private static final long FLAT_DATA = 0x00CF_9300_0000_FFFFL;
    private static final long DPL3 = 3L << 45;

    public static void sysenter(CpuState cpu) {
        if (!cpu.protectedMode()) throw CpuFault.withCode(CpuFault.GP, 0);
        int cs = cpu.sysenterCs & 0xFFFC;
        if (cs == 0) throw CpuFault.withCode(CpuFault.GP, 0);
        cpu.setEflags(cpu.getEflags() & ~(CpuState.VM | CpuState.IF | CpuState.RF));
        Segmentation.loadCache(cpu, CpuState.CS, cs, FLAT_CODE);
        Segmentation.loadCache(cpu, CpuState.SS, cs + 8, FLAT_DATA);
        cpu.updateModeCaches();
        cpu.regs[CpuState.ESP] = cpu.sysenterEsp;
        cpu.eip = cpu.sysenterEip;
    }

    public static void sysexit(CpuState cpu) {
        if (!cpu.protectedMode() || cpu.v86Mode() || cpu.cpl != 0 || (cpu.sysenterCs & 0xFFFC) == 0) {
            throw CpuFault.withCode(CpuFault.GP, 0);
        }
        int cs = cpu.sysenterCs & 0xFFFC;
        Segmentation.loadCache(cpu, CpuState.CS, (cs + 16) | 3, FLAT_CODE | DPL3);
        Segmentation.loadCache(cpu, CpuState.SS, (cs + 24) | 3, FLAT_DATA | DPL3);
        cpu.updateModeCaches();
        cpu.regs[CpuState.ESP] = cpu.regs[CpuState.ECX];
        cpu.eip = cpu.regs[CpuState.EDX];
    }

    // ---- HLT, interrupt flag, EFLAGS, I/O ---------------------------------------------------

    public static void hlt(CpuState cpu) {
        requireCpl0(cpu);
        cpu.halted = true;
    }

    private static int iopl(CpuState cpu) {
        return (cpu.eflagsRest & CpuState.IOPL) >>> 12;
    }

    /** IOPL-sensitive instructions run directly in real mode, and at CPL &lt;= IOPL (v86: CPL 3). */
    private static boolean ioplAllows(CpuState cpu) {
        return !cpu.protectedMode() || cpu.cpl <= iopl(cpu);
    }

    /** CLI (SDM vol. 2, CLI, its decision table): IF, or VIF under VME (v86) or PVI (CPL 3), else #GP(0). */
    public static void cli(CpuState cpu) {
        if (ioplAllows(cpu)) {
            cpu.eflagsRest &= ~CpuState.IF;
        } else if (virtualInterruptsApply(cpu)) {
            cpu.eflagsRest &= ~CpuState.VIF;
        } else {
            throw CpuFault.withCode(CpuFault.GP, 0);
        }
    }

    /** STI: as CLI, plus the one-instruction interrupt shadow when IF goes from 0 to 1. */
    public static void sti(CpuState cpu) {
        if (ioplAllows(cpu)) {
            if ((cpu.eflagsRest & CpuState.IF) == 0) cpu.interruptShadow = true;
            cpu.eflagsRest |= CpuState.IF;
        } else if (virtualInterruptsApply(cpu)) {
            if ((cpu.eflagsRest & CpuState.VIP) != 0) throw CpuFault.withCode(CpuFault.GP, 0);
            cpu.eflagsRest |= CpuState.VIF;
        } else {
            throw CpuFault.withCode(CpuFault.GP, 0);
        }
    }

    /** VME in v86 mode, or PVI at CPL 3 in protected mode (SDM vol. 3, 20.3 and 20.4). */
    private static boolean virtualInterruptsApply(CpuState cpu) {
        if (cpu.v86Mode()) return (cpu.cr4 & CpuState.CR4_VME) != 0;
        return cpu.cpl == 3 && (cpu.cr4 & CpuState.CR4_PVI) != 0;
    }

    /** The value PUSHF pushes (before truncation to 16 bits): VM and RF read as 0 in the image. */
    public static int pushfValue(CpuState cpu, boolean op32) {
        int flags = cpu.getEflags();
        if (cpu.v86Mode() && iopl(cpu) < 3) {
            if (op32 || (cpu.cr4 & CpuState.CR4_VME) == 0) throw CpuFault.withCode(CpuFault.GP, 0);
            // VME: the image shows IF = VIF and IOPL = 3 (SDM vol. 3, 20.4.4).
            flags = (flags & ~CpuState.IF) | ((flags & CpuState.VIF) != 0 ? CpuState.IF : 0) | CpuState.IOPL;
        }
        return flags & ~(CpuState.VM | CpuState.RF);
    }

    /**
     * The EFLAGS value POPF leaves given the popped {@code value} (SDM vol. 2, POPF): VM, VIF
     * and VIP never change and RF is cleared; IOPL changes only at CPL 0 and IF only at CPL
     * &lt;= IOPL; v86 with IOPL &lt; 3 needs VME and a 16-bit operand and then changes VIF.
     */
    public static int popfValue(CpuState cpu, int value, boolean op32) {
        int flags = cpu.getEflags();
        int change = CpuState.ARITH_FLAGS | CpuState.TF | CpuState.DF | CpuState.NT | CpuState.AC | CpuState.ID
                | CpuState.IF | CpuState.IOPL;
        if (cpu.v86Mode()) {
            if (iopl(cpu) < 3) {
                if (op32 || (cpu.cr4 & CpuState.CR4_VME) == 0) throw CpuFault.withCode(CpuFault.GP, 0);
                if ((value & CpuState.TF) != 0 || ((value & CpuState.IF) != 0 && (flags & CpuState.VIP) != 0)) {
                    throw CpuFault.withCode(CpuFault.GP, 0);
                }
                change &= ~(CpuState.IF | CpuState.IOPL);
                change &= 0xFFFF;
                int result = (flags & ~change) | (value & change);
                return ((result & ~CpuState.VIF) | ((value & CpuState.IF) != 0 ? CpuState.VIF : 0)) & ~CpuState.RF;
            }
            change &= ~CpuState.IOPL;
        } else if (cpu.protectedMode()) {
            if (cpu.cpl > 0) change &= ~CpuState.IOPL;
            if (cpu.cpl > iopl(cpu)) change &= ~CpuState.IF;
        }
        if (!op32) change &= 0xFFFF;
        return ((flags & ~change) | (value & change)) & ~CpuState.RF;
    }

    /**
     * IN/OUT/INS/OUTS permission (SDM vol. 1, 19.5): free in real mode and at CPL &lt;= IOPL;
     * otherwise (and always in v86 mode) the TSS I/O bitmap decides, #GP(0) if denied.
     */
    public static void checkIoPermission(CpuState cpu, Mmu mmu, int port, int size) {
        if (!cpu.protectedMode()) return;
        if (!cpu.v86Mode() && cpu.cpl <= iopl(cpu)) return;
        TaskSwitch.checkIoBitmap(cpu, mmu, port & 0xFFFF, size);
    }
}
