package javelin.cpu.x86.interp;

import static javelin.cpu.x86.CpuState.*;
import static javelin.cpu.x86.decode.DecodedInsn.*;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuSocket;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.LazyFlags;
import javelin.cpu.x86.mmu.Mmu;
import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.decode.Decoder;
import javelin.cpu.x86.decode.HotForm;
import javelin.cpu.x86.decode.Mnemonic;
import javelin.cpu.x86.system.ControlTransfer;
import javelin.cpu.x86.system.Interrupts;
import javelin.cpu.x86.system.Segmentation;
import javelin.cpu.x86.system.SystemInstructions;
import javelin.softmmu.exec.Vcpu;
import javelin.softmmu.tb.TranslationBlock;

/**
 * The reference executor: runs pre-decoded instructions ({@link DecodedInsn}), dispatching on
 * the mnemonic and calling the family classes for the semantics. Operand-size and mode
 * differences are arguments, never classes. The dispatch is split for the JIT's sake: the hot
 * operand forms ({@link HotForm}, resolved by the decoder) inside the one execution loop
 * ({@link #executeBlock}), then the common mnemonics ({@link #executeGeneric}), the rest in
 * {@link #executeLessCommon}. All three call the same family-class methods.
 *
 * <p>Two ways in, one loop: the translation-block engine ({@code javelin.cpu.x86.exec}) hands
 * {@link #executeBlock} the instructions of a block it decoded once; {@link #step()} and
 * {@link #run(int)} decode one instruction from memory every time (the conformance runner,
 * the oracle tests, instructions that cross a page, and an atomic run in an exclusive section).
 *
 * <p>Faults: an instruction raises {@link CpuFault}; {@link #executeBlock} restores EIP and ESP
 * of the faulting instruction and rethrows; {@link #deliverFault} then delivers the vector
 * through {@link Interrupts#deliver}, which turns a fault while delivering into #DF and a fault
 * while delivering #DF into a shutdown ({@link CpuState#shutdownRequested}).
 *
 * <p>Owned by its vCPU thread (only {@link #retired()} may be read from any thread).
 */
public final class Interpreter {
    private static final System.Logger LOG = System.getLogger(Interpreter.class.getName());
    private static final VarHandle RETIRED, RETIRED_COMPILED;

    static {
        try {
            RETIRED = MethodHandles.lookup().findVarHandle(Interpreter.class, "retired", long.class);
            RETIRED_COMPILED = MethodHandles.lookup().findVarHandle(Interpreter.class, "retiredCompiled", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Receives every instruction before it executes; the hook costs one null check when off. */
    @FunctionalInterface
    public interface Tracer {
        void instruction(CpuState cpu, DecodedInsn insn);
    }

    private final CpuState cpu;
    private final int[] regs;
    private final Mmu mmu;
    private final CpuSocket socket;
    /** The engine's vCPU, whose exit request this interpreter honours; null if nobody stops it. */
    private final Vcpu vcpu;
    private final SegmentedMemory mem;
    private final Decoder decoder;
    private Tracer tracer;
    private final SystemOps sys;
    private final X87 x87;
    private final AtomicOps atomics;
    /** The one-instruction "block" of {@link #stepInstruction()}. */
    private final DecodedInsn[] single = new DecodedInsn[1];

    /** Effective address (offset) of the current instruction's memory operand. */
    private int ea;
    /** Instructions completed; written by the owner only, read opaquely by anyone. */
    @SuppressWarnings("unused")      // accessed through RETIRED
    private long retired;
    /** Of those, instructions completed in compiled blocks; owner writes, anyone reads opaquely. */
    @SuppressWarnings("unused")      // accessed through RETIRED_COMPILED
    private long retiredCompiled;
    private int lastFaultVector = -1;
    /**
     * ESP before the instruction of the generic dispatch now running, restored if it faults.
     * The hot forms need no such copy: each faults before it changes ESP (a push writes
     * before it moves ESP, a pop or RET reads before).
     */
    private int genericEsp;
    private boolean genericRunning;
    /** The engine's slice: {@link #sliceUsedUp()} once {@link #retired} reaches it. */
    private long sliceEnd = Long.MAX_VALUE;
    /** The last {@link #stepInstruction()} ended with a fault. */
    private boolean faulted;
    /** The last {@link #executeBlock} stopped before the end of its instructions. */
    private boolean stoppedEarly;

    /**
     * An interpreter of {@code cpu}, reaching memory through {@code mmu} and the board through
     * {@code socket}. {@code vcpu} is the engine's vCPU of this CPU: its exit request ends a block
     * after a generic instruction, pauses a REP string instruction and ends {@link #run}. A lone
     * interpreter may be given a {@link Vcpu} of its own to be stopped the same way, or null.
     */
    public Interpreter(CpuState cpu, Mmu mmu, CpuSocket socket, Vcpu vcpu) {
        this.cpu = cpu;
        this.regs = cpu.regs;
        this.mmu = mmu;
        this.socket = socket;
        this.vcpu = vcpu;
        this.mem = new SegmentedMemory(cpu, mmu);
        this.decoder = new Decoder();
        this.sys = new SystemOps(cpu, mmu, socket, mem, this);
        this.x87 = new X87(cpu, mem, socket);
        this.atomics = new AtomicOps(cpu, mem, mmu);
    }

    Mmu mmu() {
        return mmu;
    }

    CpuSocket socket() {
        return socket;
    }

    public void setTracer(Tracer tracer) {
        this.tracer = tracer;
    }

    public Tracer tracer() {
        return tracer;
    }

    /** Instructions completed since construction; readable from any thread. */
    public long retired() {
        return (long) RETIRED.getOpaque(this);
    }

    private void addRetired(int n) {
        RETIRED.setOpaque(this, (long) RETIRED.get(this) + n);
    }

    /** Starts a slice of about {@code instructions} for the engine's run loop ({@link #sliceUsedUp()}). */
    public void startSlice(long instructions) {
        long now = (long) RETIRED.get(this);
        sliceEnd = instructions >= Long.MAX_VALUE - now ? Long.MAX_VALUE : now + instructions;
    }

    /** Owner thread: the slice begun by {@link #startSlice} is used up. */
    public boolean sliceUsedUp() {
        return (long) RETIRED.get(this) >= sliceEnd;
    }

    /** The vector of the last exception raised by an instruction, or -1. */
    public int lastFaultVector() {
        return lastFaultVector;
    }

    public void clearLastFault() {
        lastFaultVector = -1;
    }

    /**
     * With an engine around ({@code javelin.cpu.x86.exec}): a LOCKed operation that cannot be
     * one compare-and-swap throws {@link ExclusiveStepRequest} so the engine runs it with every
     * other vCPU stopped. Without (a lone interpreter), such operations lock the memory object.
     */
    public void setExclusiveAtomics(boolean on) {
        atomics.exclusiveAvailable = on;
    }

    /**
     * Runs up to {@code maxInstructions} steps ({@link #step()}, decoding every instruction);
     * returns how many ran. Stops early when the CPU halts with nothing to wake it, shuts down,
     * or another thread raises the vCPU's exit request. For tests and tools: machines run blocks
     * through the engine.
     */
    public int run(int maxInstructions) {
        int n = 0;
        while (n < maxInstructions && !(vcpu != null && vcpu.exitRequested()) && !cpu.shutdownRequested) {
            if (cpu.halted && !wakeable()) break;
            step();
            n++;
        }
        return n;
    }

    /** True when a pending NMI or INTR may be delivered now (or would wake a halted CPU). */
    public boolean wakeable() {
        return (cpu.nmiPending && !cpu.nmiBlocked) || ((cpu.eflagsRest & IF) != 0 && socket.intr.interruptPending());
    }

    /**
     * Something asks this CPU to stop soon: the vCPU's exit request, an INTR with IF set, or an
     * NMI. A long REP string instruction pauses for it ({@link StringOps}).
     */
    boolean needsAttention() {
        return (vcpu != null && vcpu.exitRequested())
                || ((cpu.eflagsRest & IF) != 0 && socket.intr.interruptPending()) || cpu.nmiPending;
    }

    /** One step: an interrupt delivery, or one instruction decoded from memory (with its fault delivery). */
    public void step() {
        boolean shadow = cpu.interruptShadow;
        cpu.interruptShadow = false;
        if (!shadow && deliverPendingEvent()) return;
        if (cpu.halted) return;
        stepInstruction();
    }

    /**
     * Delivers a pending NMI, or INTR when IF is set; returns true if it delivered one. The
     * caller has checked the interrupt shadow. Wakes a halted CPU.
     */
    public boolean deliverPendingEvent() {
        if (cpu.nmiPending && !cpu.nmiBlocked) {
            cpu.nmiPending = false;
            cpu.nmiBlocked = true;
            cpu.halted = false;
            deliver(CpuFault.NMI, -1, Interrupts.EXTERNAL);
            return true;
        }
        if ((cpu.eflagsRest & IF) != 0 && socket.intr.interruptPending()) {
            int vector = socket.intr.acknowledgeInterrupt() & 0xFF;
            cpu.halted = false;
            deliver(vector, -1, Interrupts.EXTERNAL);
            return true;
        }
        return false;
    }

    /**
     * One instruction decoded from memory now, its fault delivered, then the single-step trap
     * if TF was set before it (SDM vol. 3, 17.3.1.4).
     */
    public void stepInstruction() {
        final boolean trap = (cpu.eflagsRest & TF) != 0;
        faulted = false;
        try {
            single[0] = decoder.decode(codeAtEip(), cpu.code32);
            executeBlock(single, 1, null);
        } catch (CpuFault f) {
            deliverFault(f);
        }
        if (trap && !faulted) singleStepTrap();
    }

    /**
     * The bytes of the instruction at CS:EIP, fetched through the MMU. Every byte is checked
     * against the CS limit at its own offset, also in 16-bit code: IP wraps only between
     * instructions, so an instruction that straddles offset FFFFh with the real-mode limit of
     * FFFFh raises #GP(0) (SDM vol. 3, 5.3; vol. 3, 20.1.1).
     */
    private Decoder.ByteSource codeAtEip() {
        final int eip = cpu.eip;
        final int csBase = cpu.segBase[CS];
        final long limit = cpu.segLimit[CS] & 0xFFFF_FFFFL;
        final boolean user = cpu.cpl == 3;
        return k -> {
            long off = (eip & 0xFFFF_FFFFL) + k;
            if (off > limit) throw CpuFault.withCode(CpuFault.GP, 0);
            return mmu.fetchByte(csBase + (int) off, user);
        };
    }

    /** The single-step #DB after an instruction that ran with TF set. */
    public void singleStepTrap() {
        cpu.dr[6] |= 1 << 14;   // BS: single-step trap (SDM vol. 3, 17.2.3)
        deliver(CpuFault.DB, -1, Interrupts.EXCEPTION);
    }

    /** Delivers an exception an instruction raised; the state is that of the faulting instruction. */
    public void deliverFault(CpuFault f) {
        lastFaultVector = f.vector;
        faulted = true;
        deliver(f.vector, f.errorCode, Interrupts.EXCEPTION);
    }

    /**
     * Runs {@code insns[0..length)} from CS:EIP, which must be the first one's address, and
     * returns how many completed. Stops early ({@link #stoppedEarly()}) after an instruction
     * that did not continue in sequence without being a control transfer (a REP string
     * instruction that paused); after a generic instruction (port I/O, system rows ...) when
     * the vCPU's exit request is raised, so an interrupt it raised is taken right after it, at
     * the instruction boundary where the hardware would take it; or, when {@code tb} is given,
     * after a store that went through the NOTDIRTY slow path and invalidated {@code tb}
     * ([SMC-1]: the next instruction then comes from the new bytes). An exception leaves EIP and ESP as they were before the
     * instruction that raised it, and propagates.
     *
     * <p>The dispatch of the hot forms is written into this loop, so the JIT compiles the loop
     * and those operations as one unit; the rest goes to {@link #executeGeneric}.
     */
    public int executeBlock(DecodedInsn[] insns, int length, TranslationBlock tb) {
        final Tracer trace = tracer;
        final Mmu m = mmu;
        final Vcpu attention = vcpu;
        m.codeStore = false;
        stoppedEarly = false;
        int i = 0;
        int eip0 = cpu.eip;
        try {
            for (; i < length; i++) {
                final DecodedInsn d = insns[i];
                eip0 = cpu.eip;
                if (trace != null) trace.instruction(cpu, d);
                int next = eip0 + d.length;
                if (!d.code32) next &= 0xFFFF;
                cpu.eip = next;
                final int[] r = regs;
                switch (d.form) {
                    // The hot forms (HotForm): the same family-class calls as the generic cases,
                    // with the operand kinds and sizes already known. None is privileged; those
                    // with a memory operand compute its address themselves.
                    case HotForm.ADD_R32_R32 -> r[d.num0] = Alu.add(cpu, r[d.num0], r[d.num1], 4);
                    case HotForm.OR_R32_R32 -> r[d.num0] = Alu.logic(cpu, r[d.num0] | r[d.num1], 4);
                    case HotForm.ADC_R32_R32 -> r[d.num0] = Alu.adc(cpu, r[d.num0], r[d.num1], 4);
                    case HotForm.SBB_R32_R32 -> r[d.num0] = Alu.sbb(cpu, r[d.num0], r[d.num1], 4);
                    case HotForm.AND_R32_R32 -> r[d.num0] = Alu.logic(cpu, r[d.num0] & r[d.num1], 4);
                    case HotForm.SUB_R32_R32 -> r[d.num0] = Alu.sub(cpu, r[d.num0], r[d.num1], 4);
                    case HotForm.XOR_R32_R32 -> r[d.num0] = Alu.logic(cpu, r[d.num0] ^ r[d.num1], 4);
                    case HotForm.CMP_R32_R32 -> Alu.sub(cpu, r[d.num0], r[d.num1], 4);
                    case HotForm.TEST_R32_R32 -> Alu.logic(cpu, r[d.num0] & r[d.num1], 4);
                    case HotForm.ADD_R32_IMM -> r[d.num0] = Alu.add(cpu, r[d.num0], d.num1, 4);
                    case HotForm.OR_R32_IMM -> r[d.num0] = Alu.logic(cpu, r[d.num0] | d.num1, 4);
                    case HotForm.ADC_R32_IMM -> r[d.num0] = Alu.adc(cpu, r[d.num0], d.num1, 4);
                    case HotForm.SBB_R32_IMM -> r[d.num0] = Alu.sbb(cpu, r[d.num0], d.num1, 4);
                    case HotForm.AND_R32_IMM -> r[d.num0] = Alu.logic(cpu, r[d.num0] & d.num1, 4);
                    case HotForm.SUB_R32_IMM -> r[d.num0] = Alu.sub(cpu, r[d.num0], d.num1, 4);
                    case HotForm.XOR_R32_IMM -> r[d.num0] = Alu.logic(cpu, r[d.num0] ^ d.num1, 4);
                    case HotForm.CMP_R32_IMM -> Alu.sub(cpu, r[d.num0], d.num1, 4);
                    case HotForm.TEST_R32_IMM -> Alu.logic(cpu, r[d.num0] & d.num1, 4);
                    case HotForm.ALU_R32_M32 -> {
                        ea = effectiveAddress(d);
                        aluR32M32(d);
                    }
                    case HotForm.MOV_R32_R32 -> r[d.num0] = r[d.num1];
                    case HotForm.MOV_R32_IMM -> r[d.num0] = d.num1;
                    case HotForm.MOV_R32_M32 -> r[d.num0] = mem.read(d.seg, ea = effectiveAddress(d), 4);
                    case HotForm.MOV_M32_R32 -> {
                        mem.write(d.seg, ea = effectiveAddress(d), 4, r[d.num1]);
                        if (m.codeStore && wroteOwnBlock(tb)) return stopEarly(i);
                    }
                    case HotForm.INC_R32 -> r[d.num0] = Alu.inc(cpu, r[d.num0], 4);
                    case HotForm.DEC_R32 -> r[d.num0] = Alu.dec(cpu, r[d.num0], 4);
                    case HotForm.PUSH_R32 -> {
                        StackOps.push(cpu, mem, r[d.num0], 4);
                        if (m.codeStore && wroteOwnBlock(tb)) return stopEarly(i);
                    }
                    case HotForm.POP_R32 -> {
                        int v = StackOps.pop(cpu, mem, 4);
                        r[d.num0] = v;
                    }
                    case HotForm.JCC_REL -> {
                        if (ControlFlow.condition(cpu, d.cond)) ControlFlow.jumpNear(cpu, cpu.eip + d.num0, d.opSize);
                    }
                    case HotForm.JMP_REL -> ControlFlow.jumpNear(cpu, cpu.eip + d.num0, d.opSize);
                    case HotForm.CALL_REL -> {
                        ControlFlow.callNear(cpu, mem, cpu.eip + d.num0, d.opSize);
                        if (m.codeStore && wroteOwnBlock(tb)) return stopEarly(i);
                    }
                    case HotForm.RET_NEAR -> ControlFlow.retNear(cpu, mem, d.kind0 == K_IMM ? d.num0 : 0, d.opSize);
                    case HotForm.SHL_R32_IMM -> {
                        int count = d.num1 & 0x1F;
                        if (count != 0) r[d.num0] = Shift.shiftLeft(cpu, r[d.num0], count, 4);
                    }
                    case HotForm.SHR_R32_IMM -> {
                        int count = d.num1 & 0x1F;
                        if (count != 0) r[d.num0] = Shift.shiftRight(cpu, r[d.num0], count, 4);
                    }
                    case HotForm.SAR_R32_IMM -> {
                        int count = d.num1 & 0x1F;
                        if (count != 0) r[d.num0] = Shift.shiftArithmeticRight(cpu, r[d.num0], count, 4);
                    }
                    case HotForm.LEA_R32 -> r[d.num0] = ea = effectiveAddress(d);
                    default -> {
                        executeGeneric(d, eip0);
                        if ((m.codeStore && wroteOwnBlock(tb)) || (cpu.eip != next && !d.endsBlock)
                                || (attention != null && i + 1 < length && attention.exitRequested())) {
                            return stopEarly(i);
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            cpu.eip = eip0;
            if (genericRunning) {
                regs[ESP] = genericEsp;
                genericRunning = false;
            }
            if (e instanceof CpuFault f) lastFaultVector = f.vector;
            addRetired(i);
            throw e;
        }
        addRetired(length);
        return length;
    }

    // ---- compiled blocks ------------------------------------------------------------------
    // The entry points a CompiledBlock's code calls: each is the piece of executeBlock's loop
    // that the compiled code cannot inline, so both tiers keep one contract.

    /**
     * Runs {@code code} as {@link #executeBlock} would run its blocks' instructions; returns the
     * index (in the compiled region) of the block that ran last.
     */
    public int executeCompiled(CompiledBlock code, TranslationBlock tb) {
        return code.run(this, cpu, regs, mem, mmu, tb);
    }

    /** Instructions completed in compiled blocks (a part of {@link #retired}); readable from any thread. */
    public long retiredCompiled() {
        return (long) RETIRED_COMPILED.getOpaque(this);
    }

    private void addRetiredCompiled(int n) {
        RETIRED_COMPILED.setOpaque(this, (long) RETIRED_COMPILED.get(this) + n);
    }

    /** The start of a compiled block's run: no store seen yet, not stopped. */
    void compiledStart() {
        mmu.codeStore = false;
        stoppedEarly = false;
    }

    /** After a compiled store: [SMC-1] did it invalidate the running block? */
    boolean compiledStoreHitBlock(TranslationBlock tb) {
        return mmu.codeStore && wroteOwnBlock(tb);
    }

    /** A compiled block stops after {@code completed} instructions (SMC or a paused string instruction). */
    void compiledStop(int completed) {
        addRetired(completed);
        addRetiredCompiled(completed);
        stoppedEarly = true;
    }

    /** A compiled block (or one turn of its loop) ran all its {@code n} instructions. */
    void compiledDone(int n) {
        addRetired(n);
        addRetiredCompiled(n);
    }

    /**
     * One instruction of a compiled block through the interpreter's generic dispatch, as the
     * loop of {@link #executeBlock} runs it; true if the block must stop after it.
     */
    boolean compiledGeneric(DecodedInsn d, int eip0, int next, TranslationBlock tb, boolean last) {
        cpu.eip = next;
        executeGeneric(d, eip0);
        Vcpu attention = vcpu;
        return (mmu.codeStore && wroteOwnBlock(tb)) || (cpu.eip != next && !d.endsBlock)
                || (attention != null && !last && attention.exitRequested());
    }

    /** Between instructions of a compiled block, as the generic dispatch checks: is the vCPU wanted elsewhere? */
    boolean compiledAttention() {
        Vcpu attention = vcpu;
        return attention != null && attention.exitRequested();
    }

    /**
     * At an exit of a compiled block into another block of its region (or itself): may it enter
     * {@code next}? The checks the engine makes at every block entry ([CH-3]: the exit request,
     * the block's INVALID bit), and the slice.
     */
    boolean compiledMayEnter(TranslationBlock next) {
        Vcpu attention = vcpu;
        return (attention == null || !attention.exitRequested()) && !next.isInvalid() && !sliceUsedUp();
    }

    /** The fault path of a compiled block: the state of the faulting instruction, as executeBlock leaves it. */
    RuntimeException compiledFault(RuntimeException e, int completed, int eip0) {
        cpu.eip = eip0;
        if (genericRunning) {
            regs[ESP] = genericEsp;
            genericRunning = false;
        }
        if (e instanceof CpuFault f) lastFaultVector = f.vector;
        addRetired(completed);
        addRetiredCompiled(completed);
        return e;
    }

    /**
     * Runs the instruction at CS:EIP as {@link #stepInstruction()} does, for the engine inside
     * an exclusive section: a LOCKed operation that could not be one compare-and-swap is then
     * a plain read and write ([LOCK-3] of {@link AtomicOps}).
     */
    public void stepInstructionExclusive() {
        atomics.inExclusive = true;
        try {
            stepInstruction();
        } finally {
            atomics.inExclusive = false;
        }
    }

    /** The last {@link #executeBlock} stopped before its end (SMC or a paused string instruction). */
    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    private int stopEarly(int i) {
        addRetired(i + 1);
        stoppedEarly = true;
        return i + 1;
    }

    /** [SMC-1] A store went through NOTDIRTY: did it invalidate the running block? */
    private boolean wroteOwnBlock(TranslationBlock tb) {
        mmu.codeStore = false;
        return tb != null && tb.isInvalid();
    }

    /**
     * The dispatch on the mnemonic for instructions without a hot form.
     */
    private void executeGeneric(DecodedInsn d, int eip0) {
        genericEsp = regs[ESP];
        genericRunning = true;
        if (d.hasMem) ea = effectiveAddress(d);
        if (d.privileged && cpu.cpl != 0) throw CpuFault.withCode(CpuFault.GP, 0);
        final int os = d.opSize;
        final Mnemonic mn = d.mnemonic;
        if (d.atomic) executeAtomic(d);
        else switch (mn) {
            case ADD -> set0(d, Alu.add(cpu, get0(d), get1(d), d.size0));
            case SUB -> set0(d, Alu.sub(cpu, get0(d), get1(d), d.size0));
            case AND -> set0(d, Alu.logic(cpu, get0(d) & get1(d), d.size0));
            case OR -> set0(d, Alu.logic(cpu, get0(d) | get1(d), d.size0));
            case XOR -> set0(d, Alu.logic(cpu, get0(d) ^ get1(d), d.size0));
            case ADC -> set0(d, Alu.adc(cpu, get0(d), get1(d), d.size0));
            case SBB -> set0(d, Alu.sbb(cpu, get0(d), get1(d), d.size0));
            case CMP -> Alu.sub(cpu, get0(d), get1(d), d.size0);
            case TEST -> Alu.logic(cpu, get0(d) & get1(d), d.size0);
            case INC -> set0(d, Alu.inc(cpu, get0(d), d.size0));
            case DEC -> set0(d, Alu.dec(cpu, get0(d), d.size0));
            case NEG -> set0(d, Alu.neg(cpu, get0(d), d.size0));
            case NOT -> set0(d, Alu.not(get0(d), d.size0));
            case ROL, ROR, RCL, RCR, SHL, SHR, SAL, SAR -> {
                int v = get0(d);
                int count = get1(d) & 0x1F;
                if (count != 0) set0(d, Shift.shift(cpu, mn.ordinal() - Mnemonic.ROL.ordinal(), v, count, d.size0));
            }
            case SHLD, SHRD -> {
                int v = get0(d);
                int count = get2(d) & 0x1F;
                if (count != 0) set0(d, Shift.doubleShift(cpu, mn == Mnemonic.SHLD, v, get1(d), count, d.size0));
            }
            case MOV -> set0(d, get1(d));
            case MOVZX -> set0(d, get1(d));
            case MOVSX -> set0(d, (int) Shift.signExtend(get1(d), d.size1));
            case LEA -> setReg(d.num0, os, ea);
            case JMP -> {
                if (d.kind0 == K_IMM) ControlFlow.jumpNear(cpu, cpu.eip + d.num0, os);
                else ControlFlow.jumpNear(cpu, get0(d), os);
            }
            case JCC -> {
                if (ControlFlow.condition(cpu, d.cond)) ControlFlow.jumpNear(cpu, cpu.eip + d.num0, os);
            }
            case CALL -> {
                int target = d.kind0 == K_IMM ? cpu.eip + d.num0 : get0(d);
                ControlFlow.callNear(cpu, mem, target, os);
            }
            case RET -> ControlFlow.retNear(cpu, mem, d.operandCount() > 0 ? d.num0 : 0, os);
            default -> executeLessCommon(d, eip0);
        }
        genericRunning = false;
    }

    /** {@link HotForm#ALU_R32_M32}: a group-1 operation or CMP with a 32-bit register destination and memory source. */
    private void aluR32M32(DecodedInsn d) {
        int r = d.num0;
        int a = regs[r];
        int b = mem.read(d.seg, ea, 4);
        switch (d.mnemonic) {
            case ADD -> regs[r] = Alu.add(cpu, a, b, 4);
            case OR -> regs[r] = Alu.logic(cpu, a | b, 4);
            case ADC -> regs[r] = Alu.adc(cpu, a, b, 4);
            case SBB -> regs[r] = Alu.sbb(cpu, a, b, 4);
            case AND -> regs[r] = Alu.logic(cpu, a & b, 4);
            case SUB -> regs[r] = Alu.sub(cpu, a, b, 4);
            case XOR -> regs[r] = Alu.logic(cpu, a ^ b, 4);
            case CMP -> Alu.sub(cpu, a, b, 4);
            default -> throw new IllegalStateException(d.mnemonic + " has no register-memory ALU form");
        }
    }

    private void deliver(int vector, int errorCode, int kind) {
        Interrupts.deliver(cpu, mmu, vector, errorCode, kind);
        if (cpu.shutdownRequested) {
            LOG.log(System.Logger.Level.WARNING, "triple fault at {0}:{1}: CPU shut down",
                    Integer.toHexString(cpu.segSel[CS]), Integer.toHexString(cpu.eip));
            cpu.halted = true;
        }
    }

    // ---- operands -------------------------------------------------------------------------

    int getReg(int r, int size) {
        if (size == 4) return regs[r];
        if (size == 2) return regs[r] & 0xFFFF;
        return r < 4 ? regs[r] & 0xFF : (regs[r - 4] >>> 8) & 0xFF;
    }

    void setReg(int r, int size, int v) {
        if (size == 4) {
            regs[r] = v;
        } else if (size == 2) {
            regs[r] = (regs[r] & ~0xFFFF) | (v & 0xFFFF);
        } else if (r < 4) {
            regs[r] = (regs[r] & ~0xFF) | (v & 0xFF);
        } else {
            regs[r - 4] = (regs[r - 4] & ~0xFF00) | ((v & 0xFF) << 8);
        }
    }

    private int effectiveAddress(DecodedInsn d) {
        int a = d.disp;
        if (d.eaBase >= 0) a += regs[d.eaBase];
        if (d.eaIndex >= 0) a += regs[d.eaIndex] << d.eaScale;
        return d.addr32 ? a : a & 0xFFFF;
    }

    private int get0(DecodedInsn d) {
        return read(d, d.kind0, d.num0, d.size0);
    }

    private int get1(DecodedInsn d) {
        return read(d, d.kind1, d.num1, d.size1);
    }

    private int get2(DecodedInsn d) {
        return read(d, d.kind2, d.num2, d.size2);
    }

    /** Conditional branches, commonest kind first: they predict better than a jump table here. */
    private int read(DecodedInsn d, int kind, int num, int size) {
        if (kind == K_REG) return getReg(num, size);
        if (kind == K_IMM) return num;
        if (kind == K_MEM) return mem.read(d.seg, ea, size);
        if (kind == K_SREG) return cpu.segSel[num];
        throw new IllegalStateException("operand kind " + kind + " of " + d.mnemonic);
    }

    private void set0(DecodedInsn d, int v) {
        write(d, d.kind0, d.num0, d.size0, v);
    }

    private void set1(DecodedInsn d, int v) {
        write(d, d.kind1, d.num1, d.size1, v);
    }

    private void write(DecodedInsn d, int kind, int num, int size, int v) {
        if (kind == K_REG) setReg(num, size, v);
        else if (kind == K_MEM) mem.write(d.seg, ea, size, v);
        else throw new IllegalStateException("operand kind " + kind + " of " + d.mnemonic);
    }

    private int memAt(DecodedInsn d, int delta, int size) {
        int off = ea + delta;
        return mem.read(d.seg, d.addr32 ? off : off & 0xFFFF, size);
    }

    // ---- execution ------------------------------------------------------------------------

    /** The rest of the dispatch: mnemonics too rare to keep in the loop of {@link #executeBlock}. */
    private void executeLessCommon(DecodedInsn d, int eip0) {
        final int os = d.opSize;
        final Mnemonic mn = d.mnemonic;
        switch (mn) {
            case MUL -> MulDiv.mul(cpu, get0(d), d.size0);
            case IMUL -> {
                if (d.operandCount() == 1) MulDiv.imul1(cpu, get0(d), d.size0);
                else {
                    int a = get1(d);
                    int b = d.operandCount() == 3 ? get2(d) : get0(d);
                    set0(d, MulDiv.imul(cpu, a, b, os));
                }
            }
            case DIV -> MulDiv.div(cpu, get0(d), d.size0);
            case IDIV -> MulDiv.idiv(cpu, get0(d), d.size0);
            case DAA -> Bcd.daa(cpu);
            case DAS -> Bcd.das(cpu);
            case AAA -> Bcd.aaa(cpu);
            case AAS -> Bcd.aas(cpu);
            case AAM -> Bcd.aam(cpu, d.imm);
            case AAD -> Bcd.aad(cpu, d.imm);
            case SALC -> Bcd.salc(cpu);

            case XCHG -> {
                if (d.kind0 == K_MEM) mem.checkWritable(d.seg, ea, d.size0);
                int a = get0(d), b = get1(d);
                set0(d, b);
                set1(d, a);
            }
            case XADD -> {
                int a = get0(d), b = get1(d);
                int sum = Alu.add(cpu, a, b, d.size0);
                if (d.kind0 == K_MEM) mem.checkWritable(d.seg, ea, d.size0);
                set1(d, a);
                set0(d, sum);
            }
            case CMPXCHG -> {
                int size = d.size0;
                int dst = get0(d);
                int acc = getReg(EAX, size);
                Alu.sub(cpu, acc, dst, size);
                if (LazyFlags.zero(cpu)) {
                    set0(d, get1(d));
                } else {
                    // The destination is written back unchanged (SDM vol. 2, CMPXCHG: "the processor never
                    // produces a locked read without also producing a locked write").
                    if (d.kind0 == K_MEM) set0(d, dst);
                    setReg(EAX, size, dst);
                }
            }
            case CMPXCHG8B -> {
                long m = mem.readQword(d.seg, ea);
                long expected = (regs[EAX] & 0xFFFF_FFFFL) | ((long) regs[EDX] << 32);
                int f = LazyFlags.arithFlags(cpu);
                if (m == expected) {
                    mem.writeQword(d.seg, ea, (regs[EBX] & 0xFFFF_FFFFL) | ((long) regs[ECX] << 32));
                    LazyFlags.setArithFlags(cpu, f | ZF);
                } else {
                    mem.writeQword(d.seg, ea, m);
                    regs[EAX] = (int) m;
                    regs[EDX] = (int) (m >>> 32);
                    LazyFlags.setArithFlags(cpu, f & ~ZF);
                }
            }
            case BSWAP -> setReg(d.num0, os, BitOps.bswap(regs[d.num0], os));
            case CBW -> {
                if (os == 2) setReg(EAX, 2, (byte) regs[EAX]);
                else regs[EAX] = (short) regs[EAX];
            }
            case CWD -> {
                if (os == 2) setReg(EDX, 2, (short) regs[EAX] < 0 ? 0xFFFF : 0);
                else regs[EDX] = regs[EAX] >> 31;
            }
            case XLAT -> {
                int off = regs[EBX] + (regs[EAX] & 0xFF);
                setReg(EAX, 1, mem.read(d.seg, d.addr32 ? off : off & 0xFFFF, 1));
            }
            case CMOVCC -> {
                int v = get1(d);
                if (ControlFlow.condition(cpu, d.cond)) set0(d, v);
            }
            case SETCC -> set0(d, ControlFlow.condition(cpu, d.cond) ? 1 : 0);

            case PUSH -> {
                if (d.kind0 == K_SREG) StackOps.pushSelector(cpu, mem, cpu.segSel[d.num0], os);
                else StackOps.push(cpu, mem, get0(d), os);
            }
            case POP -> {
                if (d.kind0 == K_SREG) {
                    int sel = StackOps.peek(cpu, mem, 0, 2);
                    Segmentation.loadSegment(cpu, mmu, d.num0, sel);
                    StackOps.setSp(cpu, StackOps.sp(cpu) + os);
                    if (d.num0 == SS) cpu.interruptShadow = true;
                } else if (d.kind0 == K_MEM) {
                    // POP [ESP+x] computes the address with ESP after the pop (SDM vol. 2, POP).
                    int v = StackOps.peek(cpu, mem, 0, os);
                    int oldSp = regs[ESP];
                    StackOps.setSp(cpu, StackOps.sp(cpu) + os);
                    ea = effectiveAddress(d);
                    try {
                        set0(d, v);
                    } catch (CpuFault f) {
                        regs[ESP] = oldSp;
                        throw f;
                    }
                } else {
                    int v = StackOps.pop(cpu, mem, os);
                    set0(d, v);
                }
            }
            case PUSHA -> StackOps.pusha(cpu, mem, os);
            case POPA -> StackOps.popa(cpu, mem, os);
            case PUSHF -> StackOps.push(cpu, mem, SystemInstructions.pushfValue(cpu, os == 4), os);
            case POPF -> {
                int v = StackOps.peek(cpu, mem, 0, os);
                cpu.setEflags(SystemInstructions.popfValue(cpu, v, os == 4));
                StackOps.setSp(cpu, StackOps.sp(cpu) + os);
            }
            case SAHF -> {
                int f = LazyFlags.arithFlags(cpu);
                int ah = (regs[EAX] >>> 8) & (SF | ZF | AF | PF | CF);
                LazyFlags.setArithFlags(cpu, (f & OF) | ah);
            }
            case LAHF -> setReg(4, 1, (cpu.getEflags() & (SF | ZF | AF | PF | CF)) | 2);
            case ENTER -> StackOps.enter(cpu, mem, d.imm, d.imm2, os);
            case LEAVE -> StackOps.leave(cpu, mem, os);

            case MOV_SREG -> {
                if (d.kind0 == K_SREG) {
                    int sreg = d.num0;
                    if (sreg == CS || sreg > GS) throw CpuFault.of(CpuFault.UD);
                    Segmentation.loadSegment(cpu, mmu, sreg, get1(d));
                    if (sreg == SS) cpu.interruptShadow = true;
                } else {
                    if (d.num1 > GS) throw CpuFault.of(CpuFault.UD);
                    int sel = cpu.segSel[d.num1];
                    if (d.kind0 == K_MEM) mem.write(d.seg, ea, 2, sel);
                    else setReg(d.num0, os, sel);
                }
            }
            case LDS, LES, LSS, LFS, LGS -> {
                int off = memAt(d, 0, os);
                int sel = memAt(d, os, 2);
                int sreg = switch (mn) {
                    case LDS -> DS;
                    case LES -> ES;
                    case LSS -> SS;
                    case LFS -> FS;
                    default -> GS;
                };
                Segmentation.loadSegment(cpu, mmu, sreg, sel);
                setReg(d.num0, os, off);
            }

            case JMPF -> {
                if (d.kind0 == K_FAR) ControlTransfer.farJump(cpu, mmu, d.imm2, d.imm, os == 4);
                else ControlTransfer.farJump(cpu, mmu, memAt(d, os, 2), memAt(d, 0, os), os == 4);
            }
            case CALLF -> {
                if (d.kind0 == K_FAR) ControlTransfer.farCall(cpu, mmu, d.imm2, d.imm, os == 4);
                else {
                    int off = memAt(d, 0, os);
                    int sel = memAt(d, os, 2);
                    ControlTransfer.farCall(cpu, mmu, sel, off, os == 4);
                }
            }
            case RETF -> ControlTransfer.farReturn(cpu, mmu, os == 4, d.operandCount() > 0 ? d.num0 : 0);
            case IRET -> ControlTransfer.iret(cpu, mmu, os == 4);
            case JCXZ -> {
                int cx = d.addr32 ? regs[ECX] : regs[ECX] & 0xFFFF;
                if (cx == 0) ControlFlow.jumpNear(cpu, cpu.eip + d.num0, os);
            }
            case LOOP, LOOPE, LOOPNE -> {
                int amask = d.addr32 ? -1 : 0xFFFF;
                int cx = (regs[ECX] - 1) & amask;
                boolean go = cx != 0;
                if (mn == Mnemonic.LOOPE) go &= LazyFlags.zero(cpu);
                else if (mn == Mnemonic.LOOPNE) go &= !LazyFlags.zero(cpu);
                if (go) ControlFlow.jumpNear(cpu, cpu.eip + d.num0, os);
                regs[ECX] = (regs[ECX] & ~amask) | cx;
            }
            case INT -> Interrupts.deliver(cpu, mmu, d.imm & 0xFF, -1, Interrupts.SOFTWARE);
            case INT3 -> Interrupts.deliver(cpu, mmu, CpuFault.BP, -1, Interrupts.SOFTWARE);
            case INTO -> {
                if ((LazyFlags.arithFlags(cpu) & OF) != 0) Interrupts.deliver(cpu, mmu, CpuFault.OF, -1, Interrupts.SOFTWARE);
            }
            case INT1 -> Interrupts.deliver(cpu, mmu, CpuFault.DB, -1, Interrupts.EXCEPTION);
            case BOUND -> {
                int size = os;
                long idx = Shift.signExtend(getReg(d.num0, size), size);
                long lo = Shift.signExtend(memAt(d, 0, size), size);
                long hi = Shift.signExtend(memAt(d, size, size), size);
                if (idx < lo || idx > hi) throw CpuFault.of(CpuFault.BR);
            }

            case MOVS, CMPS, STOS, LODS, SCAS, INS, OUTS -> {
                int size = d.opcode == 0xA4 || d.opcode == 0xA6 || d.opcode == 0xAA || d.opcode == 0xAC
                        || d.opcode == 0xAE || d.opcode == 0x6C || d.opcode == 0x6E ? 1 : os;
                if (!StringOps.run(this, cpu, mem, d, size)) cpu.eip = eip0;
            }
            case IN -> {
                int size = d.size0;
                int port = d.kind1 == K_IMM ? d.num1 & 0xFF : regs[EDX] & 0xFFFF;
                SystemInstructions.checkIoPermission(cpu, mmu, port, size);
                setReg(EAX, size, socket.io.read(port, size));
            }
            case OUT -> {
                int size = d.size1;
                int port = d.kind0 == K_IMM ? d.num0 & 0xFF : regs[EDX] & 0xFFFF;
                SystemInstructions.checkIoPermission(cpu, mmu, port, size);
                socket.io.write(port, size, getReg(EAX, size));
            }

            case CLC -> setCarry(false);
            case STC -> setCarry(true);
            case CMC -> setCarry(!LazyFlags.carry(cpu));
            case CLD -> cpu.eflagsRest &= ~DF;
            case STD -> cpu.eflagsRest |= DF;
            case CLI -> SystemInstructions.cli(cpu);
            case STI -> SystemInstructions.sti(cpu);
            case HLT -> SystemInstructions.hlt(cpu);
            case NOP -> {
                // F3 90 is PAUSE: a spin-wait hint a round-robin machine turns into a switch of vCPU.
                if (d.rep() && d.operandCount() == 0) socket.pauseHint.run();
            }
            case WAIT -> x87.waitInstruction();
            case FXSAVE -> x87.fxsaveOrRestore(d, ea, true);
            case FXRSTOR -> x87.fxsaveOrRestore(d, ea, false);
            case LFENCE, MFENCE, SFENCE -> fence(d);

            case BT, BTS, BTR, BTC -> bitTest(d, mn.ordinal() - Mnemonic.BT.ordinal());
            case BSF, BSR -> {
                int i = BitOps.scan(cpu, mn == Mnemonic.BSF, get1(d), os);
                if (i >= 0) set0(d, i);
            }

            case UD2, UD, RSM -> throw CpuFault.of(CpuFault.UD);
            default -> {
                if (d.spec.x87()) x87.execute(d, ea, eip0);          // every row of the escapes D8-DF
                else sys.execute(d);
            }
        }
    }

    /** LOCK-prefixed read-modify-writes and XCHG with memory, as compare-and-swap loops ({@link AtomicOps}). */
    private void executeAtomic(DecodedInsn d) {
        final int size = d.size0;
        final int seg = d.seg;
        final int at = ea;
        switch (d.mnemonic) {
            case ADD -> {
                int src = get1(d);
                atomics.readModifyWrite(seg, at, size, old -> Alu.add(cpu, old, src, size));
            }
            case OR -> {
                int src = get1(d);
                atomics.readModifyWrite(seg, at, size, old -> Alu.logic(cpu, old | src, size));
            }
            case ADC -> {
                int src = get1(d);
                atomics.readModifyWrite(seg, at, size, old -> Alu.adc(cpu, old, src, size));
            }
            case SBB -> {
                int src = get1(d);
                atomics.readModifyWrite(seg, at, size, old -> Alu.sbb(cpu, old, src, size));
            }
            case AND -> {
                int src = get1(d);
                atomics.readModifyWrite(seg, at, size, old -> Alu.logic(cpu, old & src, size));
            }
            case SUB -> {
                int src = get1(d);
                atomics.readModifyWrite(seg, at, size, old -> Alu.sub(cpu, old, src, size));
            }
            case XOR -> {
                int src = get1(d);
                atomics.readModifyWrite(seg, at, size, old -> Alu.logic(cpu, old ^ src, size));
            }
            case INC -> atomics.readModifyWrite(seg, at, size, old -> Alu.inc(cpu, old, size));
            case DEC -> atomics.readModifyWrite(seg, at, size, old -> Alu.dec(cpu, old, size));
            case NEG -> atomics.readModifyWrite(seg, at, size, old -> Alu.neg(cpu, old, size));
            case NOT -> atomics.readModifyWrite(seg, at, size, old -> Alu.not(old, size));
            case XCHG -> {
                int src = getReg(d.num1, size);
                setReg(d.num1, size, atomics.readModifyWrite(seg, at, size, old -> src));
            }
            case XADD -> {
                int src = getReg(d.num1, size);
                setReg(d.num1, size, atomics.readModifyWrite(seg, at, size, old -> Alu.add(cpu, old, src, size)));
            }
            case CMPXCHG -> {
                int acc = getReg(EAX, size);
                int src = getReg(d.num1, size);
                int old = atomics.readModifyWrite(seg, at, size, o -> {
                    Alu.sub(cpu, acc, o, size);
                    return o == acc ? src : o;
                });
                if (old != acc) setReg(EAX, size, old);
            }
            case BTS, BTR, BTC -> {
                int op = d.mnemonic.ordinal() - Mnemonic.BT.ordinal();
                int bits = size * 8;
                int offset = get1(d);
                int off = at;
                int bit = offset & (bits - 1);
                if (d.kind1 == K_REG) {
                    int signed = (int) Shift.signExtend(offset, size);
                    off = at + (signed >> (size == 4 ? 5 : 4)) * size;
                    if (!d.addr32) off &= 0xFFFF;
                    bit = signed & (bits - 1);
                }
                final int b = bit;
                atomics.readModifyWrite(seg, off, size, old -> BitOps.bitTest(cpu, op, old, b));
            }
            case CMPXCHG8B -> {
                long expected = (regs[EAX] & 0xFFFF_FFFFL) | ((long) regs[EDX] << 32);
                long replacement = (regs[EBX] & 0xFFFF_FFFFL) | ((long) regs[ECX] << 32);
                long old = atomics.compareExchange8(seg, at, expected, replacement);
                int f = LazyFlags.arithFlags(cpu);
                if (old == expected) {
                    LazyFlags.setArithFlags(cpu, f | ZF);
                } else {
                    regs[EAX] = (int) old;
                    regs[EDX] = (int) (old >>> 32);
                    LazyFlags.setArithFlags(cpu, f & ~ZF);
                }
            }
            default -> throw new IllegalStateException(d.mnemonic + " is not an atomic read-modify-write");
        }
    }

    private void setCarry(boolean on) {
        int f = LazyFlags.arithFlags(cpu);
        LazyFlags.setArithFlags(cpu, on ? f | CF : f & ~CF);
    }

    /** BT/BTS/BTR/BTC: a register bit offset on a memory operand selects a word beyond EA (SDM vol. 2, BT). */
    private void bitTest(DecodedInsn d, int op) {
        int size = d.size0;
        int bits = size * 8;
        int offset = get1(d);
        if (d.kind0 == K_MEM && d.kind1 == K_REG) {
            int signed = (int) Shift.signExtend(offset, size);
            int delta = (signed >> (size == 4 ? 5 : 4)) * size;
            int off = ea + delta;
            if (!d.addr32) off &= 0xFFFF;
            int saved = ea;
            ea = off;
            int v = mem.read(d.seg, ea, size);
            int r = BitOps.bitTest(cpu, op, v, signed & (bits - 1));
            if (op != BitOps.OP_BT) mem.write(d.seg, ea, size, r);
            ea = saved;
            return;
        }
        int v = get0(d);
        int r = BitOps.bitTest(cpu, op, v, offset & (bits - 1));
        if (op != BitOps.OP_BT) set0(d, r);
    }

    int effectiveAddressOfCurrent() {
        return ea;
    }

    /**
     * The fences. Guest loads and stores already keep x86-TSO order among themselves (acquire and
     * release fences in PhysicalMemory); MFENCE adds the one order TSO lets go, a store before a
     * later load, with a full fence. LFENCE and SFENCE order what TSO already orders, so their JVM
     * fences only keep the JIT from moving guest accesses across them.
     */
    private void fence(DecodedInsn d) {
        if (d.kind0 == K_MEM) throw CpuFault.of(CpuFault.UD);   // XRSTOR, XSAVEOPT, CLFLUSH: not on this CPU
        switch (d.mnemonic) {
            case MFENCE -> java.lang.invoke.VarHandle.fullFence();
            case LFENCE -> java.lang.invoke.VarHandle.acquireFence();
            default -> java.lang.invoke.VarHandle.releaseFence();
        }
    }
}
