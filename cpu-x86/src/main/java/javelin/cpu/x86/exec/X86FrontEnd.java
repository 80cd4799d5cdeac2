package javelin.cpu.x86.exec;

import static javelin.cpu.x86.CpuState.*;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.decode.Decoder;
import javelin.cpu.x86.decode.Mnemonic;
import javelin.cpu.x86.interp.Interpreter;
import javelin.cpu.x86.jit.JitCompiler;
import javelin.cpu.x86.mmu.Mmu;
import javelin.softmmu.SoftTlb;
import javelin.softmmu.tb.TbCode;
import javelin.softmmu.tb.TbFrontEnd;
import javelin.softmmu.tb.TbTranslation;

/**
 * How x86 code becomes translation blocks: the key of the CPU's current state, the physical
 * address of the instruction fetch, and the decoding of one block.
 *
 * <p>Key. {@code pc} is the linear address CS.base + EIP. The {@code csBase} word carries the CS
 * base in its low 32 bits and the CS limit in its high 32 bits, because the decoder checks
 * every byte against the limit: a block decoded under one limit is not valid under another.
 * The flags word ({@link #flags}) packs everything else that changes how code decodes or
 * runs; bit 63 (INVALID) stays clear.
 *
 * <p>Blocks ([XB-1]): decoded with the interpreter's {@link Decoder} from the TLB's execute
 * view, after the engine prepared the page. A block ends after a row marked endsBlock or
 * changesTbFlags, after {@link #MAX_INSNS} instructions, before the first instruction that
 * starts on another page, and before an instruction that cannot be decoded now (a fault
 * belongs to that instruction, raised when it is reached). Under TF or in an interrupt shadow
 * a block is one instruction.
 *
 * <p>[XB-2] Blocks never reach into a second page. An instruction that crosses a page boundary
 * is not translated: {@link #translate} throws {@link PageCrossingStep} before it reads a byte
 * of the next page, and {@link #deliverFault} runs that instruction on its own, decoded from
 * memory, inside the exec region. So no block depends on the mapping of a second virtual page,
 * which the engine's physical table does not key on (a remap of that page alone would leave a
 * stale block findable).
 */
final class X86FrontEnd implements TbFrontEnd<X86Vcpu> {
    /** Longest block, in instructions. */
    static final int MAX_INSNS = 64;

    // The flags word: one bit (or field) per mode input of decoding and execution.
    static final long F_CPL = 3;                 // bits 0-1: CPL
    static final long F_CS32 = 1L << 2;          // CS.D
    static final long F_SS32 = 1L << 3;          // SS.B
    static final long F_PE = 1L << 4;            // CR0.PE
    static final long F_VM = 1L << 5;            // EFLAGS.VM
    static final long F_PG = 1L << 6;            // CR0.PG
    static final long F_TF = 1L << 7;            // EFLAGS.TF: one-instruction blocks with the trap
    static final int F_IOPL_SHIFT = 8;           // bits 8-9: EFLAGS.IOPL
    static final long F_AC = 1L << 10;           // EFLAGS.AC
    static final long F_EM = 1L << 11;           // CR0.EM
    static final long F_TS = 1L << 12;           // CR0.TS
    static final long F_MP = 1L << 13;           // CR0.MP
    static final long F_A20 = 1L << 14;          // the A20 gate is open
    static final long F_SHADOW = 1L << 15;       // interrupt shadow: a one-instruction block
    static final long F_AM = 1L << 16;           // CR0.AM

    private final Decoder decoder = new Decoder();
    /** The bytecode tier's compiler, or null when blocks stay on the interpreter. */
    private final JitCompiler jit;

    X86FrontEnd(JitCompiler jit) {
        this.jit = jit;
    }

    @Override
    public long pc(X86Vcpu v) {
        CpuState cpu = v.cpu;
        return (cpu.segBase[CS] + cpu.eip) & 0xFFFF_FFFFL;
    }

    @Override
    public long csBase(X86Vcpu v) {
        CpuState cpu = v.cpu;
        return (cpu.segBase[CS] & 0xFFFF_FFFFL) | ((long) cpu.segLimit[CS] << 32);
    }

    @Override
    public long flags(X86Vcpu v) {
        CpuState cpu = v.cpu;
        long f = cpu.cpl & F_CPL;
        if (cpu.code32) f |= F_CS32;
        if (cpu.stack32) f |= F_SS32;
        int cr0 = cpu.cr0;
        if ((cr0 & CR0_PE) != 0) f |= F_PE;
        if ((cr0 & CR0_PG) != 0) f |= F_PG;
        if ((cr0 & CR0_EM) != 0) f |= F_EM;
        if ((cr0 & CR0_TS) != 0) f |= F_TS;
        if ((cr0 & CR0_MP) != 0) f |= F_MP;
        if ((cr0 & CR0_AM) != 0) f |= F_AM;
        int fl = cpu.eflagsRest;
        if ((fl & VM) != 0) f |= F_VM;
        if ((fl & TF) != 0) f |= F_TF;
        if ((fl & AC) != 0) f |= F_AC;
        f |= (long) ((fl & IOPL) >>> 12) << F_IOPL_SHIFT;
        if ((cpu.a20Mask & (1L << 20)) != 0) f |= F_A20;
        if (cpu.interruptShadow) f |= F_SHADOW;
        return f;
    }

    @Override
    public long physPc(X86Vcpu v, long pc) {
        return v.mmu.translate((int) pc, Mmu.ACCESS_EXEC, v.cpu.cpl == 3);
    }

    @Override
    public TbCode<X86Vcpu> translate(X86Vcpu v, TbTranslation t) {
        final CpuState cpu = v.cpu;
        final int base = cpu.segBase[CS];
        final long limit = cpu.segLimit[CS] & 0xFFFF_FFFFL;
        final boolean user = cpu.cpl == 3;
        final boolean code32 = cpu.code32;
        final Mmu mmu = v.mmu;
        final int page = (int) t.pc() & SoftTlb.PAGE_MASK;
        final boolean single = (t.flags() & (F_TF | F_SHADOW)) != 0;
        final int max = single ? 1 : MAX_INSNS;
        DecodedInsn[] insns = new DecodedInsn[max];
        int n = 0;
        final int startEip = cpu.eip;
        int eip = startEip;
        int size = 0;
        while (n < max) {
            final int at = eip;
            if (n > 0 && ((base + at) & SoftTlb.PAGE_MASK) != page) break;
            DecodedInsn d;
            try {
                d = decoder.decode(k -> {
                    long off = (at & 0xFFFF_FFFFL) + k;
                    if (off > limit) throw CpuFault.withCode(CpuFault.GP, 0);
                    int lin = base + (int) off;
                    if ((lin & SoftTlb.PAGE_MASK) != page) throw PageCrossingStep.INSTANCE;   // [XB-2]
                    return mmu.fetchByte(lin, user);
                }, code32);
            } catch (CpuFault | PageCrossingStep e) {
                if (n == 0) throw e;
                break;                                   // [XB-1]: that instruction starts the next block
            }
            insns[n++] = d;
            size += d.length;
            eip = d.code32 ? eip + d.length : (eip + d.length) & 0xFFFF;
            if (d.endsBlock || d.changesTbFlags) break;
        }
        t.setSize(size);
        DecodedInsn[] code = n == max ? insns : java.util.Arrays.copyOf(insns, n);
        return new X86Block(code, endOf(code[n - 1]), startEip, eip, single, (t.flags() & F_TF) != 0, jit);
    }

    /** How a block whose last instruction is {@code last} ends ({@link X86Block} END_ constants). */
    private static int endOf(DecodedInsn last) {
        if (last.mnemonic == Mnemonic.HLT) return X86Block.END_HALT;
        if (last.changesTbFlags) return X86Block.END_MODE;
        if (!last.endsBlock) return X86Block.END_FALLTHROUGH;
        return switch (last.mnemonic) {
            case JCC, LOOP, LOOPE, LOOPNE, JCXZ -> X86Block.END_BRANCH;
            case JMP, CALL -> last.kind0 == DecodedInsn.K_IMM ? X86Block.END_JUMP : X86Block.END_INDIRECT;
            default -> X86Block.END_INDIRECT;
        };
    }

    /** Interrupts (NMI, then INTR with IF set) are delivered at the entry of the run loop, outside any shadow. */
    @Override
    public boolean enterRun(X86Vcpu v) {
        CpuState cpu = v.cpu;
        if (cpu.shutdownRequested) return false;
        if (!cpu.interruptShadow) v.interp.deliverPendingEvent();
        return !cpu.halted;
    }

    /**
     * A guest exception is delivered here (inside the exec region); an instruction that
     * crosses a page runs here ([XB-2]). After a shutdown or a halt the run loop is left.
     */
    @Override
    public void deliverFault(X86Vcpu v, RuntimeException fault) {
        CpuState cpu = v.cpu;
        Interpreter in = v.interp;
        if (fault instanceof CpuFault f) in.deliverFault(f);
        else if (fault instanceof PageCrossingStep) in.stepInstruction();
        else throw fault;
        if (cpu.shutdownRequested || cpu.halted) throw LeaveRun.INSTANCE;
    }
}
