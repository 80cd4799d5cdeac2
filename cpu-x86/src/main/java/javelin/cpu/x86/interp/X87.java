package javelin.cpu.x86.interp;

import static javelin.cpu.x86.CpuState.*;

import javelin.cpu.x86.CpuFault;
import javelin.cpu.x86.CpuSocket;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.fpu.Fpu;
import javelin.cpu.x86.fpu.X87Executor;
import javelin.cpu.x86.fpu.X87Host;

/**
 * The interpreter's side of the x87 (issue 3): the checks the CPU makes before an escape
 * instruction (SDM vol. 3, 2.5 and table 2-2: #NM for CR0.EM or CR0.TS; SDM vol. 1, 8.6: a
 * pending unmasked exception reported by the next waiting instruction as #MF when CR0.NE = 1,
 * or on FERR# (IRQ13 on a PC) when CR0.NE = 0), the segment checks of the memory operand before
 * anything changes, the instruction pointers, and an {@link X87Host} over segmented memory.
 * The semantics are {@link X87Executor}'s.
 */
final class X87 implements X87Host {
    private final CpuState cpu;
    private final SegmentedMemory mem;
    /** FERR# ({@link CpuSocket#ferr}). */
    private final CpuSocket socket;
    private int seg, ea;
    private boolean op32;

    X87(CpuState cpu, SegmentedMemory mem, CpuSocket socket) {
        this.cpu = cpu;
        this.mem = mem;
        this.socket = socket;
    }

    /** Bytes accessed by the memory form of escape {@code opcode} (D8-DF) with ModRM.reg {@code reg}. */
    static int memoryOperandSize(int opcode, int reg, boolean op32) {
        return switch (opcode) {
            case 0xD8, 0xDA -> 4;                                          // m32real, m32int
            case 0xD9 -> switch (reg) {
                case 4, 6 -> op32 ? 28 : 14;                               // FLDENV/FSTENV
                case 5, 7 -> 2;                                            // FLDCW/FSTCW
                default -> 4;                                              // m32real
            };
            case 0xDB -> reg == 5 || reg == 7 ? 10 : 4;                    // m80real or m32int
            case 0xDC -> 8;                                                // m64real
            case 0xDD -> switch (reg) {
                case 4, 6 -> op32 ? 108 : 94;                              // FRSTOR/FSAVE
                case 7 -> 2;                                               // FSTSW
                default -> 8;                                              // m64real
            };
            case 0xDE -> 2;                                                // m16int
            default -> switch (reg) {                                      // DF
                case 4, 6 -> 10;                                           // FBLD/FBSTP m80bcd
                case 5, 7 -> 8;                                            // FILD/FISTP m64int
                default -> 2;                                              // m16int
            };
        };
    }

    /** Whether the memory form stores (FST, FIST, FSTENV, FSAVE, FSTCW, FSTSW, FBSTP). */
    private static boolean stores(int opcode, int reg) {
        return switch (opcode) {
            case 0xD9, 0xDD -> reg == 2 || reg == 3 || reg >= 6;
            case 0xDB -> reg == 2 || reg == 3 || reg == 7;
            case 0xDF -> reg == 2 || reg == 3 || reg >= 6;
            default -> false;
        };
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

    /** One escape instruction; {@code ea} is its effective address when it has a memory operand. */
    void execute(DecodedInsn d, int ea, int eip0) {
        checkAvailable();
        int modrm = d.mod << 6 | d.reg << 3 | d.rm;
        if (!X87Executor.isDefined(d.opcode, modrm)) throw CpuFault.of(CpuFault.UD);
        Fpu f = cpu.fpu;
        if (!X87Executor.isNonWaiting(d.opcode, modrm)) checkPending();
        op32 = d.opSize == 4;
        this.seg = d.seg;
        this.ea = ea;
        if (d.hasMem) {
            int size = memoryOperandSize(d.opcode, d.reg, op32);
            if (stores(d.opcode, d.reg)) {
                mem.checkWritable(d.seg, ea, 1);
                mem.checkWritable(d.seg, ea + size - 1, 1);
            } else {
                mem.linear(d.seg, ea, size, false);
            }
        }
        if (X87Executor.updatesPointers(d.opcode, modrm)) {
            f.recordInstruction(cpu.segSel[CS], eip0, d.opcode, modrm);
            if (d.hasMem) f.recordOperand(cpu.segSel[d.seg], ea);
        }
        if (!X87Executor.execute(f, d.opcode, modrm, this)) throw CpuFault.of(CpuFault.UD);
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
    public boolean operand32() {
        return op32;
    }

    @Override
    public boolean realMode() {
        return !cpu.protectedMode() || cpu.v86Mode();
    }
}
