package javelin.softmmu.tb;

import java.io.ByteArrayOutputStream;
import javelin.softmmu.PhysicalMemory;

/**
 * A tiny test-only instruction set that exercises the engine without the x86 front end. Every
 * instruction is 8 bytes: opcode, register a, register b, a pad byte, and a 32-bit little-endian
 * immediate. Blocks end at a branch, SERIALIZE, HALT, or after {@link #MAX_INSNS} instructions
 * (which may run onto a second page).
 */
final class ToyIsa implements TbFrontEnd<ToyCpu> {
    static final int MOVI = 1;        // r[a] = imm
    static final int ADDI = 2;        // r[a] += imm
    static final int LOAD = 3;        // r[a] = mem[r[b] + imm]
    static final int STORE = 4;       // mem[r[b] + imm] = r[a]
    static final int BLT = 5;         // if r[a] < r[b] (signed) goto imm
    static final int JNZ = 6;         // if r[a] != 0 goto imm
    static final int JMP = 7;         // goto imm
    static final int SERIALIZE = 8;   // ends the block; the next one is looked up, never chained
    static final int HALT = 9;        // leaves the run loop
    static final int SETMODE = 10;    // mode = imm: changes the TB flags word, ends the block
    static final int TRAP = 11;       // raises a guest fault: the handler is entered with the PC saved
    /** Where a trap saves the faulting PC, and where its handler starts. */
    static final int TRAP_FRAME = 0x7F00;
    static final int TRAP_HANDLER = 0x7000;
    static final int INSN = 8;
    static final int MAX_INSNS = 16;

    @Override public long pc(ToyCpu cpu) {
        return cpu.pc & 0xFFFF_FFFFL;
    }

    @Override public long csBase(ToyCpu cpu) {
        return 0;
    }

    @Override public long flags(ToyCpu cpu) {
        return cpu.mode;
    }

    @Override public long physPc(ToyCpu cpu, long pc) {
        return pc;
    }

    @Override
    public TbCode<ToyCpu> translate(ToyCpu cpu, TbTranslation t) {
        int[] op = new int[MAX_INSNS];
        int[] a = new int[MAX_INSNS];
        int[] b = new int[MAX_INSNS];
        int[] imm = new int[MAX_INSNS];
        long pa = t.physPc();
        int n = 0;
        while (n < MAX_INSNS) {
            if (n > 0 && (pa & (PhysicalMemory.PAGE_SIZE - 1)) == 0) t.addSecondPage(pa);
            int word = cpu.mem.readDword(pa);
            op[n] = word & 0xFF;
            a[n] = (word >>> 8) & 7;
            b[n] = (word >>> 16) & 7;
            imm[n] = cpu.mem.readDword(pa + 4);
            pa += INSN;
            int o = op[n++];
            if (o == BLT || o == JNZ || o == JMP || o == SERIALIZE || o == HALT || o == SETMODE || o == TRAP) break;
        }
        t.setSize(n * INSN);
        return new Block((int) t.pc(), n, op, a, b, imm);
    }

    /** A guest fault of the toy ISA; control flow, so no stack trace. */
    static final class Trap extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int pc;

        Trap(int pc) {
            super("trap at " + pc, null, false, false);
            this.pc = pc;
        }
    }

    /** Pushes the faulting PC (a guest store, inside the exec region) and enters the handler. */
    @Override
    public void deliverFault(ToyCpu cpu, RuntimeException fault) {
        if (!(fault instanceof Trap trap)) throw fault;
        cpu.faultDeliveredInExecRegion = cpu.vcpu.isRunning();
        cpu.store(TRAP_FRAME, trap.pc);
        cpu.pc = TRAP_HANDLER;
    }

    /** Pre-decoded instructions of one block, run by a switch: the interpreter tier in miniature. */
    record Block(int start, int count, int[] op, int[] a, int[] b, int[] imm) implements TbCode<ToyCpu> {
        @Override
        public int execute(ToyCpu cpu, TranslationBlock tb) {
            int[] r = cpu.regs;
            int pc = start;
            for (int k = 0; k < count; k++) {
                int next = pc + INSN;
                cpu.instructions++;
                switch (op[k]) {
                    case MOVI -> r[a[k]] = imm[k];
                    case ADDI -> r[a[k]] += imm[k];
                    case LOAD -> r[a[k]] = cpu.load(r[b[k]] + imm[k]);
                    case STORE -> {
                        if (cpu.store(r[b[k]] + imm[k], r[a[k]]) && tb.isInvalid()) {    // [SMC-1]
                            cpu.pc = next;
                            return TbCode.EXIT_NO_CHAIN;
                        }
                    }
                    case BLT -> {
                        return branch(cpu, r[a[k]] < r[b[k]], imm[k], next);
                    }
                    case JNZ -> {
                        return branch(cpu, r[a[k]] != 0, imm[k], next);
                    }
                    case JMP -> {
                        cpu.pc = imm[k];
                        return 0;
                    }
                    case SERIALIZE -> {
                        cpu.pc = next;
                        return TbCode.EXIT_NO_CHAIN;
                    }
                    case HALT -> {
                        cpu.pc = next;
                        return TbCode.EXIT_LEAVE;
                    }
                    case TRAP -> {
                        cpu.pc = pc;                  // a fault reports the faulting instruction
                        throw new Trap(pc);
                    }
                    case SETMODE -> {
                        cpu.mode = imm[k];
                        cpu.pc = next;
                        return TbCode.EXIT_NO_CHAIN;
                    }
                    default -> throw new IllegalStateException("toy opcode " + op[k] + " at " + pc);
                }
                pc = next;
            }
            cpu.pc = pc;
            return 0;
        }

        private static int branch(ToyCpu cpu, boolean taken, int target, int next) {
            cpu.pc = taken ? target : next;
            return taken ? 0 : 1;
        }
    }

    /** Assembles toy programs; addresses are absolute. */
    static final class Asm {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final int origin;

        Asm(int origin) {
            this.origin = origin;
        }

        /** Address of the next instruction. */
        int here() {
            return origin + out.size();
        }

        /** Address of the immediate of the next instruction. */
        int hereImm() {
            return here() + 4;
        }

        Asm emit(int op, int a, int b, int imm) {
            out.write(op);
            out.write(a);
            out.write(b);
            out.write(0);
            for (int i = 0; i < 4; i++) out.write(imm >>> (8 * i));
            return this;
        }

        Asm movi(int r, int imm) { return emit(MOVI, r, 0, imm); }
        Asm addi(int r, int imm) { return emit(ADDI, r, 0, imm); }
        Asm load(int r, int base, int off) { return emit(LOAD, r, base, off); }
        Asm store(int r, int base, int off) { return emit(STORE, r, base, off); }
        Asm blt(int ra, int rb, int target) { return emit(BLT, ra, rb, target); }
        Asm jnz(int r, int target) { return emit(JNZ, r, 0, target); }
        Asm jmp(int target) { return emit(JMP, 0, 0, target); }
        Asm serialize() { return emit(SERIALIZE, 0, 0, 0); }
        Asm halt() { return emit(HALT, 0, 0, 0); }
        Asm setmode(int mode) { return emit(SETMODE, 0, 0, mode); }
        Asm trap() { return emit(TRAP, 0, 0, 0); }

        /** Writes the program into guest RAM through the physical (DMA-like) path. */
        void load(PhysicalMemory mem) {
            byte[] bytes = out.toByteArray();
            mem.writeBytes(origin, bytes, 0, bytes.length);
        }
    }
}
