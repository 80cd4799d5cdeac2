package javelin.cpu.x86;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javelin.cpu.x86.fpu.Fpu;
import javelin.softmmu.state.SnapshotFormatException;
import javelin.softmmu.state.StateUpgrader;
import javelin.softmmu.state.Stateful;

/**
 * The architectural state of one x86 processor (an i686 with its x87), plus the caches derived
 * from it that every instruction needs (CPL, default sizes). State only: what the processor is
 * plugged into is its {@link CpuSocket}; its TLBs are the MMU's
 * ({@code javelin.cpu.x86.mmu.Mmu}); the interpreter that runs it and the engine's vCPU own this
 * object, not the other way round ({@code javelin.cpu.x86.exec.X86Vcpu} holds all four). So a
 * change here never flushes a TLB by itself: whoever resets or restores the state flushes the
 * MMU too ({@code X86Vcpu.reset}, {@code init}, {@code restoreState}).
 *
 * <p>Owned by its vCPU thread: nothing here is read or written by another thread except
 * through queued work, or while every vCPU is stopped.
 *
 * <p>Layout choices, for the hot path: general registers and segment descriptor caches are
 * {@code int} arrays indexed by the x86 encoding numbers; arithmetic flags are lazy (see
 * {@link LazyFlags}); everything else is plain fields.
 */
public final class CpuState implements Stateful<CpuState.State> {
    // General registers, by their encoding in ModRM/opcode (SDM vol. 2, table 2-2).
    public static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, ESP = 4, EBP = 5, ESI = 6, EDI = 7;
    // Segment registers, by their encoding in the sreg field of ModRM.
    public static final int ES = 0, CS = 1, SS = 2, DS = 3, FS = 4, GS = 5;

    // EFLAGS bits (SDM vol. 1, 3.4.3).
    public static final int CF = 1, PF = 1 << 2, AF = 1 << 4, ZF = 1 << 6, SF = 1 << 7, TF = 1 << 8,
            IF = 1 << 9, DF = 1 << 10, OF = 1 << 11, IOPL = 3 << 12, NT = 1 << 14, RF = 1 << 16,
            VM = 1 << 17, AC = 1 << 18, VIF = 1 << 19, VIP = 1 << 20, ID = 1 << 21;
    /** The six flags computed lazily from the last arithmetic operation. */
    public static final int ARITH_FLAGS = CF | PF | AF | ZF | SF | OF;

    // CR0 bits (SDM vol. 3, 2.5).
    public static final int CR0_PE = 1, CR0_MP = 1 << 1, CR0_EM = 1 << 2, CR0_TS = 1 << 3, CR0_ET = 1 << 4,
            CR0_NE = 1 << 5, CR0_WP = 1 << 16, CR0_AM = 1 << 18, CR0_NW = 1 << 29, CR0_CD = 1 << 30, CR0_PG = 1 << 31;
    // CR4 bits.
    public static final int CR4_VME = 1, CR4_PVI = 1 << 1, CR4_TSD = 1 << 2, CR4_DE = 1 << 3, CR4_PSE = 1 << 4,
            CR4_PAE = 1 << 5, CR4_MCE = 1 << 6, CR4_PGE = 1 << 7, CR4_PCE = 1 << 8, CR4_OSFXSR = 1 << 9,
            CR4_OSXMMEXCPT = 1 << 10;
    public static final long EFER_NXE = 1L << 11;

    // Segment attribute word (segAttr): the descriptor's bytes 5 and 6 as in SDM vol. 3, 3.4.5,
    // i.e. bits 0-7 type/S/DPL/P and bits 12-15 AVL/L/D-B/G, shifted down by 8 from the
    // descriptor's high dword.
    public static final int ATTR_TYPE_MASK = 0xF, ATTR_S = 1 << 4, ATTR_DPL_SHIFT = 5, ATTR_P = 1 << 7,
            ATTR_AVL = 1 << 12, ATTR_DB = 1 << 14, ATTR_G = 1 << 15;

    // ---- registers ----
    public final int[] regs = new int[8];
    public int eip;

    /** Non-arithmetic EFLAGS bits (and bit 1); the arithmetic ones live in {@link LazyFlags} fields. */
    public int eflagsRest = 2;
    // Lazy flag state, owned by LazyFlags.
    public int ccOp;
    public int ccDst;
    public int ccSrc1;
    public int ccSrc2;

    // ---- segment registers and their hidden descriptor caches ----
    public final int[] segSel = new int[6];
    public final int[] segBase = new int[6];
    public final int[] segLimit = new int[6];   // byte-granular effective limit
    public final int[] segAttr = new int[6];
    public int ldtrSel, ldtrBase, ldtrLimit, ldtrAttr;
    public int trSel, trBase, trLimit, trAttr;
    public int gdtrBase, gdtrLimit, idtrBase, idtrLimit;

    // ---- control, debug and model-specific registers ----
    public int cr0 = CR0_ET | CR0_CD | CR0_NW;
    public int cr2, cr3, cr4;
    public final int[] dr = new int[8];
    public long efer;
    public long tscOffset;
    public int sysenterCs, sysenterEsp, sysenterEip;
    public long apicBaseMsr;
    /** IA32_APIC_BASE bit 8: this processor is the bootstrap processor (SDM vol. 3A, "MP initialization"). */
    public static final long APIC_BASE_BSP = 1L << 8;
    /** IA32_APIC_BASE bit 11: the local APIC is globally enabled. */
    public static final long APIC_BASE_ENABLE = 1L << 11;
    /** The local APIC's reset base address (bits 35:12 of IA32_APIC_BASE). */
    public static final long APIC_BASE_DEFAULT = 0xFEE0_0000L;

    // ---- caches derived from CS, SS, CR0 and EFLAGS.VM (recomputed by updateModeCaches) ----
    // Read by almost every instruction, so kept here rather than recomputed; never saved.
    /** Current privilege level: CS.RPL in protected mode, 3 in v86, 0 in real mode. */
    public int cpl;
    /** CS.D: default operand and address size is 32 bits. */
    public boolean code32;
    /** SS.B: stack pointer is ESP rather than SP. */
    public boolean stack32;

    // ---- execution state ----
    public boolean halted;
    /**
     * Wait-for-SIPI (SDM vol. 3A, "MP initialization"): an application processor after power-on,
     * reset or INIT executes nothing and takes no interrupt until a startup IPI
     * ({@link #startup}). The run loop does not run a CPU in this state.
     */
    public boolean waitingForSipi;
    /** Interrupts are inhibited for one instruction after MOV SS/POP SS/STI. */
    public boolean interruptShadow;
    public boolean nmiPending;
    public boolean nmiBlocked;
    /** Physical address mask applied when paging is off or to page-walk results: A20 gate. */
    public long a20Mask = 0xFFFF_FFFFL;

    // ---- system-architecture state, kept by javelin.cpu.x86.system and javelin.cpu.x86.mmu ----
    /** A triple fault happened (SDM vol. 3, 6.15 #DF): the run loop resets or stops the machine. */
    public boolean shutdownRequested;
    /** PAE page-directory-pointer entries, loaded on CR3 writes and paging enable (SDM vol. 3, 4.4.1). */
    public final long[] pdpte = new long[4];
    /** IA32_PAT (reset value, SDM vol. 3, 13.12.4), IA32_MISC_ENABLE, and the MTRRs (by MSR number). */
    public long patMsr = 0x0007_0406_0007_0406L;
    public long miscEnableMsr;
    public final java.util.Map<Integer, Long> mtrrMsrs = new java.util.TreeMap<>();

    // ---- x87 FPU (javelin.cpu.x86.fpu) ----
    /** The x87 register file; RESET gives control word 0040H and valid +0 registers (SDM vol. 3, table 9-1). */
    public final Fpu fpu = new Fpu();

    // ---- identity ----
    /**
     * Which processor of the board this is (0 = the bootstrap processor), which CPUID reports
     * as the initial APIC ID. The board assigns it when it builds the CPU; it decides reset
     * values (IA32_APIC_BASE.BSP, wait-for-SIPI), is not saved, and never changes.
     */
    public final int cpuIndex;

    /** A processor in its power-on state ({@link #reset}). */
    public CpuState(int cpuIndex) {
        this.cpuIndex = cpuIndex;
        reset();
    }

    /** The power-on/RESET state (SDM vol. 3, 9.1.1, table 9-1). The caller flushes the TLBs. */
    public void reset() {
        java.util.Arrays.fill(regs, 0);
        regs[EDX] = Cpuid.SIGNATURE;     // family/model/stepping, as CPUID leaf 1 EAX
        eip = 0xFFF0;
        setEflags(2);
        for (int s = 0; s < 6; s++) {
            segSel[s] = 0;
            segBase[s] = 0;
            segLimit[s] = 0xFFFF;
            segAttr[s] = ATTR_P | ATTR_S | 0x3;   // present, read/write data, accessed
        }
        segSel[CS] = 0xF000;
        segBase[CS] = 0xFFFF_0000;
        segAttr[CS] = ATTR_P | ATTR_S | 0xB;      // present, code, execute/read, accessed
        ldtrSel = ldtrBase = 0; ldtrLimit = 0xFFFF; ldtrAttr = ATTR_P | 0x2;
        trSel = trBase = 0; trLimit = 0xFFFF; trAttr = ATTR_P | 0xB;
        gdtrBase = 0; gdtrLimit = 0xFFFF; idtrBase = 0; idtrLimit = 0x3FF;
        cr0 = CR0_ET | CR0_CD | CR0_NW;
        cr2 = cr3 = cr4 = 0;
        java.util.Arrays.fill(dr, 0);
        dr[6] = 0xFFFF_0FF0;
        dr[7] = 0x400;
        efer = 0;
        shutdownRequested = false;
        java.util.Arrays.fill(pdpte, 0);
        patMsr = 0x0007_0406_0007_0406L;
        miscEnableMsr = 0;
        mtrrMsrs.clear();
        sysenterCs = sysenterEsp = sysenterEip = 0;
        apicBaseMsr = APIC_BASE_DEFAULT | APIC_BASE_ENABLE | (cpuIndex == 0 ? APIC_BASE_BSP : 0);
        fpu.powerOnReset();
        halted = false;
        // Only the bootstrap processor runs the firmware; the others wait for a startup IPI.
        waitingForSipi = cpuIndex != 0;
        interruptShadow = false;
        nmiPending = false;
        nmiBlocked = false;
        updateModeCaches();
    }

    /**
     * The INIT signal (SDM vol. 3A, 9.1.1 and table 9-1, "following INIT"): the registers go to
     * their RESET values, but the x87 state, the MTRRs, PAT, IA32_MISC_ENABLE, IA32_APIC_BASE,
     * the SYSENTER MSRs and the time-stamp counter are kept (as the caches would be). The
     * bootstrap processor then starts at the reset vector; an application processor waits for a
     * startup IPI. The caller flushes the TLBs.
     */
    public void init() {
        Fpu.State fpuKept = fpu.saveState();
        java.util.Map<Integer, Long> mtrrKept = new java.util.TreeMap<>(mtrrMsrs);
        long pat = patMsr, misc = miscEnableMsr, apicBase = apicBaseMsr;
        int csMsr = sysenterCs, espMsr = sysenterEsp, eipMsr = sysenterEip;
        reset();
        fpu.restoreState(fpuKept);
        mtrrMsrs.putAll(mtrrKept);
        patMsr = pat;
        miscEnableMsr = misc;
        apicBaseMsr = apicBase;
        sysenterCs = csMsr;
        sysenterEsp = espMsr;
        sysenterEip = eipMsr;
        waitingForSipi = (apicBaseMsr & APIC_BASE_BSP) == 0;
    }

    /**
     * A startup IPI with {@code vector}: a processor waiting for SIPI starts in real mode at
     * {@code vector << 12} (CS selector {@code vector << 8}, base {@code vector << 12}, IP 0);
     * any other processor ignores it (SDM vol. 3A, "MP initialization protocol"). Returns
     * whether the processor started.
     */
    public boolean startup(int vector) {
        if (!waitingForSipi) return false;
        waitingForSipi = false;
        halted = false;
        segSel[CS] = (vector & 0xFF) << 8;
        segBase[CS] = (vector & 0xFF) << 12;
        eip = 0;
        return true;
    }

    /** Loads a segment register the real-mode (and v86) way: base = selector * 16. */
    public void loadRealModeSegment(int seg, int selector) {
        // Real mode keeps the limit and attributes of the hidden cache ("unreal mode", which
        // SeaBIOS and HIMEM rely on); v86 mode reloads them (see system.Segmentation).
        selector &= 0xFFFF;
        segSel[seg] = selector;
        segBase[seg] = selector << 4;
    }

    // ---- EFLAGS ----

    public int getEflags() {
        return (eflagsRest & ~ARITH_FLAGS) | LazyFlags.arithFlags(this);
    }

    /** Sets every EFLAGS bit as given (callers mask what the instruction may change). */
    public void setEflags(int value) {
        eflagsRest = (value | 2) & ~(1 << 3 | 1 << 5 | 1 << 15);   // bits 3, 5, 15 always read 0
        LazyFlags.setArithFlags(this, value & ARITH_FLAGS);
    }

    public boolean protectedMode() {
        return (cr0 & CR0_PE) != 0;
    }

    public boolean v86Mode() {
        return (eflagsRest & VM) != 0;
    }

    public boolean pagingEnabled() {
        return (cr0 & CR0_PG) != 0;
    }

    /**
     * Flat 32-bit protected mode without descriptor tables: CR0.PE set, and the segment caches
     * loaded as a boot loader leaves them, CS = 08h (code, base 0, 4 GiB, 32-bit) and the data
     * segments = 10h (data, base 0, 4 GiB). For benchmarks and tests that start guest code
     * directly.
     */
    public void enterFlatProtectedMode() {
        cr0 |= CR0_PE;
        for (int s = 0; s < 6; s++) {
            segSel[s] = s == CS ? 0x08 : 0x10;
            segBase[s] = 0;
            segLimit[s] = -1;
            segAttr[s] = ATTR_P | ATTR_S | ATTR_DB | ATTR_G | (s == CS ? 0xB : 0x3);
        }
        updateModeCaches();
    }

    /** Recomputes CPL and default sizes after CS, SS, CR0 or EFLAGS.VM changed. */
    public void updateModeCaches() {
        if (!protectedMode()) {
            cpl = 0;
        } else if (v86Mode()) {
            cpl = 3;
        } else {
            cpl = segSel[CS] & 3;
        }
        code32 = !v86Mode() && (segAttr[CS] & ATTR_DB) != 0;
        stack32 = !v86Mode() && (segAttr[SS] & ATTR_DB) != 0;
    }

    /** The time-stamp counter as the guest reads it. */
    public long readTsc(long virtualNanos) {
        return virtualNanos + tscOffset;
    }

    // ---- snapshots ----

    /**
     * The architectural state of this vCPU as a snapshot stores it: EFLAGS folded from the lazy
     * flags; segment, LDTR and TR caches as loaded (they may differ from the descriptor tables,
     * e.g. in unreal mode); the x87 ({@code fpu}); no caches (TLBs, decoded code, CPL and default
     * sizes, which {@link #restoreState} recomputes) and no wiring (the {@link CpuSocket}).
     * Component names are the file format.
     *
     * <p>Version 2 added {@code waitingForSipi} and {@code fpu}; {@link #UPGRADES} reads version
     * 1 (a saved tree is read with {@link javelin.softmmu.state.StateJson#read}).
     *
     * @param ldtr {@code [selector, base, limit, attributes]}, as {@code tr}
     */
    public record State(int version, List<Integer> regs, int eip, int eflags, List<Integer> segSel,
                        List<Integer> segBase, List<Integer> segLimit, List<Integer> segAttr, List<Integer> ldtr,
                        List<Integer> tr, int gdtrBase, int gdtrLimit, int idtrBase, int idtrLimit, int cr0, int cr2,
                        int cr3, int cr4, List<Integer> dr, long efer, long tscOffset, int sysenterCs, int sysenterEsp,
                        int sysenterEip, long apicBaseMsr, boolean halted, boolean interruptShadow, boolean nmiPending,
                        boolean nmiBlocked, long a20Mask, boolean shutdownRequested, List<Long> pdpte, long patMsr,
                        long miscEnableMsr, Map<Integer, Long> mtrrMsrs, boolean waitingForSipi, Fpu.State fpu) {
        public static final int VERSION = 2;
        /** The upgraders from each older version, keyed by the version they read. */
        public static final Map<Integer, StateUpgrader> UPGRADES = Map.of(1, State::fromVersion1);
        private static final String ID = "cpu";

        /**
         * Version 1 had no x87 state and, in files written before SMP, no {@code waitingForSipi}.
         * A version 1 snapshot saved no FPU, and the FPU it meant is the power-on one, which a CPU
         * restored from it kept: control word 0040H, every register valid and +0, status word,
         * pointers and opcode 0 (SDM vol. 3, table 9-1). A file without {@code waitingForSipi}
         * comes from a board with one processor, which never waits for a startup IPI: false.
         */
        static void fromVersion1(ObjectNode state) {
            if (state.has("fpu")) throw new SnapshotFormatException(ID, "fpu", "present in a version 1 file");
            if (!state.has("waitingForSipi")) state.put("waitingForSipi", false);
            ObjectNode fpu = state.putObject("fpu");
            fpu.put("controlWord", 0x0040);
            fpu.put("statusWord", 0);
            fpu.put("validMask", 0xFF);
            ArrayNode registers = fpu.putArray("registers");
            for (int i = 0; i < 8; i++) registers.addObject().put("signExp", 0).put("significand", 0L);
            for (String pointer : List.of("fip", "fcs", "fdp", "fds", "fop")) fpu.put(pointer, 0);
            state.put("version", 2);
        }

        public State {
            if (version != VERSION) {
                throw new SnapshotFormatException(ID, "version", "version " + version + " is not " + VERSION);
            }
            if (fpu == null) throw new SnapshotFormatException(ID, "fpu", "missing");
            regs = copy(regs, 8, "regs");
            segSel = copy(segSel, 6, "segSel");
            segBase = copy(segBase, 6, "segBase");
            segLimit = copy(segLimit, 6, "segLimit");
            segAttr = copy(segAttr, 6, "segAttr");
            ldtr = copy(ldtr, 4, "ldtr");
            tr = copy(tr, 4, "tr");
            dr = copy(dr, 8, "dr");
            pdpte = copy(pdpte, 4, "pdpte");
            if (mtrrMsrs == null) throw new SnapshotFormatException(ID, "mtrrMsrs", "missing");
            mtrrMsrs = Map.copyOf(mtrrMsrs);
            for (int s : segSel) {
                if ((s & ~0xFFFF) != 0) throw new SnapshotFormatException(ID, "segSel", "selector " + s + " is not 16-bit");
            }
        }

        private static <T> List<T> copy(List<T> list, int size, String field) {
            if (list == null || list.size() != size) {
                throw new SnapshotFormatException(ID, field, "needs " + size + " entries");
            }
            return List.copyOf(list);
        }
    }

    @Override
    public State saveState() {
        return new State(State.VERSION, ints(regs), eip, getEflags(), ints(segSel), ints(segBase), ints(segLimit),
                ints(segAttr), List.of(ldtrSel, ldtrBase, ldtrLimit, ldtrAttr), List.of(trSel, trBase, trLimit, trAttr),
                gdtrBase, gdtrLimit, idtrBase, idtrLimit, cr0, cr2, cr3, cr4, ints(dr), efer, tscOffset, sysenterCs,
                sysenterEsp, sysenterEip, apicBaseMsr, halted, interruptShadow, nmiPending, nmiBlocked, a20Mask,
                shutdownRequested, java.util.Arrays.stream(pdpte).boxed().toList(), patMsr, miscEnableMsr,
                new TreeMap<>(mtrrMsrs), waitingForSipi, fpu.saveState());
    }

    @Override
    public void restoreState(State s) {
        for (int i = 0; i < 8; i++) regs[i] = s.regs().get(i);
        eip = s.eip();
        for (int i = 0; i < 6; i++) {
            segSel[i] = s.segSel().get(i);
            segBase[i] = s.segBase().get(i);
            segLimit[i] = s.segLimit().get(i);
            segAttr[i] = s.segAttr().get(i);
        }
        ldtrSel = s.ldtr().get(0);
        ldtrBase = s.ldtr().get(1);
        ldtrLimit = s.ldtr().get(2);
        ldtrAttr = s.ldtr().get(3);
        trSel = s.tr().get(0);
        trBase = s.tr().get(1);
        trLimit = s.tr().get(2);
        trAttr = s.tr().get(3);
        gdtrBase = s.gdtrBase();
        gdtrLimit = s.gdtrLimit();
        idtrBase = s.idtrBase();
        idtrLimit = s.idtrLimit();
        cr0 = s.cr0();
        cr2 = s.cr2();
        cr3 = s.cr3();
        cr4 = s.cr4();
        for (int i = 0; i < 8; i++) dr[i] = s.dr().get(i);
        efer = s.efer();
        tscOffset = s.tscOffset();
        sysenterCs = s.sysenterCs();
        sysenterEsp = s.sysenterEsp();
        sysenterEip = s.sysenterEip();
        apicBaseMsr = s.apicBaseMsr();
        halted = s.halted();
        interruptShadow = s.interruptShadow();
        nmiPending = s.nmiPending();
        nmiBlocked = s.nmiBlocked();
        a20Mask = s.a20Mask();
        shutdownRequested = s.shutdownRequested();
        for (int i = 0; i < 4; i++) pdpte[i] = s.pdpte().get(i);
        patMsr = s.patMsr();
        miscEnableMsr = s.miscEnableMsr();
        mtrrMsrs.clear();
        mtrrMsrs.putAll(s.mtrrMsrs());
        waitingForSipi = s.waitingForSipi();
        fpu.restoreState(s.fpu());
        setEflags(s.eflags());
        updateModeCaches();
    }

    private static List<Integer> ints(int[] a) {
        return java.util.Arrays.stream(a).boxed().toList();
    }
}
