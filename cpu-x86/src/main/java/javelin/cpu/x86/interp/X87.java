package javelin.cpu.x86.interp;

import static javelin.cpu.x86.CpuState.*;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuSocket;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.decode.OpSpec;
import javelin.cpu.x86.fpu.Fpu;
import javelin.cpu.x86.fpu.X87Executor;
import javelin.cpu.x86.fpu.X87Host;

/**
 * The interpreter's side of the x87: the checks the CPU makes before an escape instruction
 * (SDM vol. 3, 2.5 and table 2-2: #NM for CR0.EM or CR0.TS, then #UD for a reserved row; SDM
 * vol. 1, 8.6: a pending unmasked exception reported by the next waiting instruction as #MF when
 * CR0.NE = 1, or on FERR# (IRQ13 on a PC) when CR0.NE = 0), the segment checks of the memory
 * operand before anything changes, the instruction pointers, and an {@link X87Host} over
 * segmented memory. Which checks apply is the decoded row's business (its reserved, non-waiting
 * and pointer attributes, {@link OpSpec}); the semantics are {@link X87Executor}'s.
 */
final class X87 implements X87Host {
    private final CpuState cpu;
    private final SegmentedMemory mem;
    /** FERR# ({@link CpuSocket#ferr}). */
    private final CpuSocket socket;
    private int seg, ea;

    X87(CpuState cpu, SegmentedMemory mem, CpuSocket socket) {
        this.cpu = cpu;
        this.mem = mem;
        this.socket = socket;
    }

    /** #NM when the OS asked for lazy FPU switching or emulation (SDM vol. 3, table 2-2). */
    void checkAvailable() {
        if ((cpu.cr0 & (CR0_EM | CR0_TS)) != 0) throw CpuFault.of(CpuFault.NM);
    }

    /**
     * Reports a pending unmasked exception at a waiting instruction: #MF with CR0.NE, else FERR#
     * (which the board wires to IRQ13) and execution goes on, as on a PC whose chipset asserts
     * IGNNE# (SDM vol. 1, D.2.1).
     */
    void checkPending() {
        if (!cpu.fpu.exceptionPending()) return;
        if ((cpu.cr0 & CR0_NE) != 0) throw CpuFault.of(CpuFault.MF);
        socket.ferr.raise();
    }

    /** WAIT/FWAIT (SDM vol. 2): #NM with CR0.MP and CR0.TS, then a pending exception. */
    void waitInstruction() {
        if ((cpu.cr0 & (CR0_TS | CR0_MP)) == (CR0_TS | CR0_MP)) throw CpuFault.of(CpuFault.NM);
        checkPending();
    }

    /**
     * One x87 instruction (a row of the escapes D8-DF); {@code ea} is its effective address when
     * it has a memory operand, which is then its only operand.
     */
    void execute(DecodedInsn d, int ea, int eip0) {
        checkAvailable();
        OpSpec row = d.spec;
        if (row.reserved()) throw CpuFault.of(CpuFault.UD);
        Fpu f = cpu.fpu;
        if (!row.nonWaiting()) checkPending();
        this.seg = d.seg;
        this.ea = ea;
        if (d.hasMem) {
            int size = d.size0;
            if (X87Executor.writesMemory(d.mnemonic)) {
                mem.checkWritable(d.seg, ea, 1);
                mem.checkWritable(d.seg, ea + size - 1, 1);
            } else {
                mem.linear(d.seg, ea, size, false);
            }
        }
        if (row.fpuPointers()) {
            // FOP holds the low three opcode bits and the ModRM byte (SDM vol. 1, 8.1.9).
            f.recordInstruction(cpu.segSel[CS], eip0, d.opcode, d.mod << 6 | d.reg << 3 | d.rm);
            if (d.hasMem) f.recordOperand(cpu.segSel[d.seg], ea);
        }
        X87Executor.execute(f, d, this);
        if (!f.exceptionPending()) socket.ferr.lower();
    }

    /** FXSAVE (0F AE /0) and FXRSTOR (0F AE /1): 512 bytes, 16-byte aligned (SDM vol. 2). */
    void fxsaveOrRestore(DecodedInsn d, int ea, boolean save) {
        if ((cpu.cr0 & CR0_EM) != 0) throw CpuFault.of(CpuFault.UD);
        if ((cpu.cr0 & CR0_TS) != 0) throw CpuFault.of(CpuFault.NM);
        if ((ea & 15) != 0) throw CpuFault.withCode(CpuFault.GP, 0);
        if (save) {
            mem.checkWritable(d.seg, ea, 1);
            mem.checkWritable(d.seg, ea + 511, 1);
            byte[] image = cpu.fpu.fxsave();
            for (int i = 0; i < 512; i += 4) {
                mem.write(d.seg, ea + i, 4, (image[i] & 0xFF) | (image[i + 1] & 0xFF) << 8
                        | (image[i + 2] & 0xFF) << 16 | (image[i + 3] & 0xFF) << 24);
            }
        } else {
            mem.linear(d.seg, ea, 512, false);
            byte[] image = new byte[512];
            for (int i = 0; i < 512; i += 4) {
                int v = mem.read(d.seg, ea + i, 4);
                for (int b = 0; b < 4; b++) image[i + b] = (byte) (v >>> (8 * b));
            }
            cpu.fpu.fxrstor(image);
            if (!cpu.fpu.exceptionPending()) socket.ferr.lower();
        }
    }

    // ---------------------------------------------------------------- X87Host

    @Override
    public long read(int offset, int size) {
        int off = ea + offset;
        if (size == 8) return mem.readQword(seg, off);
        if (size == 4) return mem.read(seg, off, 4) & 0xFFFF_FFFFL;
        return mem.read(seg, off, size);
    }

    @Override
    public void write(int offset, int size, long value) {
        int off = ea + offset;
        if (size == 8) mem.writeQword(seg, off, value);
        else mem.write(seg, off, size, (int) value);
    }

    @Override
    public int eflags() {
        return cpu.getEflags();
    }

    @Override
    public void setCompareFlags(int zfPfCf) {
        cpu.setEflags((cpu.getEflags() & ~ARITH_FLAGS) | zfPfCf);
    }

    @Override
    public void setAx(int value) {
        cpu.regs[EAX] = (cpu.regs[EAX] & 0xFFFF_0000) | (value & 0xFFFF);
    }

    @Override
    public boolean realMode() {
        return !cpu.protectedMode() || cpu.v86Mode();
    }
}
