package javelin.cpu.x86.jit;

import static javelin.cpu.x86.CpuState.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.locks.ReentrantLock;
import javelin.cpu.x86.CpuSocket;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.exec.X86Engine;
import javelin.cpu.x86.exec.X86Vcpu;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.exec.Vcpu;
import javelin.softmmu.exec.VcpuSet;
import org.junit.jupiter.api.Test;

/**
 * The compiled tier against the interpreter: random instruction sequences (the hot forms with
 * live and dead flags, memory operands that fault at a segment limit, pushes and pops, shifts by
 * every count, generic instructions between them, self-modifying stores, blocks that loop on
 * themselves) run on two machines, one with every block compiled before its first run
 * (threshold 0) and one on the interpreter alone. Every register, EFLAGS, EIP, the retired
 * count and the code, data and stack pages must be equal afterwards. A fault goes through the
 * IDT to a HLT, so the frame it pushes (EFLAGS included) is compared too.
 *
 * <p>{@code -Djit.diff.cases=N} and {@code -Djit.diff.seed=S} choose the run.
 */
class CompiledBlockDifferentialTest {
    private static final int RAM = 1 << 20, GDT = 0x500, IDT = 0x800, HANDLER = 0xF00, CODE = 0x1000,
            DATA = 0x4000, STACK_TOP = 0x7000, DATA_LIMIT = DATA + 0x100 - 1;
    private static final int EAX = 0, ECX = 1, EDX = 2, EBX = 3, EBP = 5, ESI = 6, EDI = 7;
    /** Registers an instruction may overwrite: never ESP (the stack), ESI (the data pointer) or ECX (the loop count). */
    private static final int[] FREE = {EAX, EDX, EBX, EBP, EDI};

    @Test
    void compiledBlocksMatchTheInterpreter() {
        int cases = Integer.getInteger("jit.diff.cases", 1000);
        long seed = Long.getLong("jit.diff.seed", 1L);
        SplittableRandom rnd = new SplittableRandom(seed);
        long compiledBlocks = 0, regionBlocks = 0;
        for (int c = 0; c < cases; c++) {
            Program p = program(rnd);
            Outcome interpreted = run(p, null);
            // Every block compiled alone before its first run; then regions, compiled when a
            // block has run twice (its chains are in place by then), on the vCPU's thread.
            for (JitCompiler jit : new JitCompiler[] {new JitCompiler(0), new JitCompiler(2, Region.MAX_MEMBERS, true)}) {
                Outcome compiled = run(p, jit);
                compiledBlocks += jit.stats().compiled();
                regionBlocks += jit.stats().regionBlocks() - jit.stats().compiled();
                assertEquals(0, jit.stats().failed(), "no compile fails");
                String where = "case " + c + " (seed " + seed + ", threshold " + jit.threshold() + "): " + p;
                assertArrayEquals(interpreted.regs, compiled.regs, where + " registers, EIP, EFLAGS, retired");
                assertArrayEquals(interpreted.memory, compiled.memory, where + " memory");
            }
        }
        assertTrue(compiledBlocks > cases, "blocks were compiled: " + compiledBlocks);
        assertTrue(regionBlocks > cases / 10, "regions joined blocks: " + regionBlocks);
    }

    /** The bytes at CODE and the initial registers of one case. */
    record Program(byte[] code, int[] regs, int eflags) {
        @Override public String toString() {
            return "code " + HexFormat.of().formatHex(code) + " eax..edi " + java.util.Arrays.toString(regs)
                    + String.format(" eflags %08X", eflags);
        }
    }

    record Outcome(int[] regs, byte[] memory) { }

    private static Program program(SplittableRandom rnd) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        boolean loop = rnd.nextInt(3) == 0;
        int body = 1 + rnd.nextInt(loop ? 10 : 24);
        for (int i = 0; i < body; i++) {
            instruction(b, rnd);
            if (loop && rnd.nextInt(6) == 0) {
                // A Jcc over the next instruction inside the loop: three blocks that chain into
                // each other, which a region joins.
                ByteArrayOutputStream skipped = new ByteArrayOutputStream();
                instruction(skipped, rnd);
                b.write(0x70 + rnd.nextInt(16));
                b.write(skipped.size());
                b.writeBytes(skipped.toByteArray());
            }
        }
        if (loop) {
            // dec ecx; jnz CODE (rel8 back to the start): the block loops on itself ECX times.
            b.write(0x49);
            b.write(0x75);
            b.write(-(b.size() + 1) & 0xFF);
        } else if (rnd.nextBoolean()) {
            b.write(0x7C + rnd.nextInt(4));          // a Jcc over the next HLT, or not
            b.write(1);
        }
        b.write(0xF4);                               // hlt
        b.write(0xF4);
        int[] regs = new int[8];
        for (int r = 0; r < 8; r++) regs[r] = value(rnd);
        regs[ESP] = STACK_TOP;
        regs[ESI] = DATA;
        regs[ECX] = 1 + rnd.nextInt(12);
        regs[EBX] = rnd.nextInt(80);
        return new Program(b.toByteArray(), regs, rnd.nextInt() & (CF | PF | AF | ZF | SF | OF));
    }

    private static int value(SplittableRandom rnd) {
        return switch (rnd.nextInt(6)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> 0x8000_0000;
            case 3 -> 0x7FFF_FFFF;
            case 4 -> rnd.nextInt(256);
            default -> rnd.nextInt();
        };
    }

    private static int free(SplittableRandom rnd) {
        return FREE[rnd.nextInt(FREE.length)];
    }

    /** Any register as a source. */
    private static int any(SplittableRandom rnd) {
        return rnd.nextInt(8);
    }

    private static void instruction(ByteArrayOutputStream b, SplittableRandom rnd) {
        int alu = rnd.nextInt(8);
        switch (rnd.nextInt(30)) {
            case 0, 1, 2 -> {                                                  // ALU r32, r32 (both directions)
                b.write(alu << 3 | (rnd.nextBoolean() ? 1 : 3));
                int dst = free(rnd), src = any(rnd);
                boolean toRm = (b.toByteArray()[b.size() - 1] & 2) == 0;
                b.write(0xC0 | (toRm ? src : dst) << 3 | (toRm ? dst : src));
            }
            case 3 -> {                                                        // TEST r32, r32
                b.write(0x85);
                b.write(0xC0 | any(rnd) << 3 | any(rnd));
            }
            case 4, 5 -> {                                                     // ALU r32, imm8 / imm32
                boolean imm8 = rnd.nextBoolean();
                b.write(imm8 ? 0x83 : 0x81);
                b.write(0xC0 | alu << 3 | free(rnd));
                imm(b, imm8 ? 1 : 4, value(rnd));
            }
            case 6 -> {                                                        // ALU r32, [esi+disp8]
                b.write(alu << 3 | 3);
                b.write(0x46 | free(rnd) << 3);
                b.write(rnd.nextInt(0x100) & 0xFC);
            }
            case 7 -> {                                                        // MOV r32, r32 / imm32
                if (rnd.nextBoolean()) {
                    b.write(0x89);
                    b.write(0xC0 | any(rnd) << 3 | free(rnd));
                } else {
                    b.write(0xB8 + free(rnd));
                    imm(b, 4, value(rnd));
                }
            }
            case 8, 9 -> {                                                     // MOV with [esi+ebx*4+disp8]: may pass the limit
                boolean load = rnd.nextBoolean();
                b.write(load ? 0x8B : 0x89);
                b.write(0x44 | (load ? free(rnd) : any(rnd)) << 3);
                b.write(0x9E);
                b.write(rnd.nextInt(0x40));
            }
            case 10 -> {                                                       // MOV [esi+disp8], r32
                b.write(0x89);
                b.write(0x46 | any(rnd) << 3);
                b.write(rnd.nextInt(0x100));
            }
            case 11 -> b.write((rnd.nextBoolean() ? 0x40 : 0x48) + free(rnd)); // INC/DEC r32
            case 12 -> {                                                       // PUSH r32 / POP r32
                if (rnd.nextBoolean()) b.write(0x50 + any(rnd));
                else b.write(0x58 + free(rnd));
            }
            case 13 -> {                                                       // SHL/SHR/SAR r32, imm8 or 1
                int kind = new int[] {4, 5, 7}[rnd.nextInt(3)];
                if (rnd.nextBoolean()) {
                    b.write(0xC1);
                    b.write(0xC0 | kind << 3 | free(rnd));
                    b.write(rnd.nextInt(40));
                } else {
                    b.write(0xD1);
                    b.write(0xC0 | kind << 3 | free(rnd));
                }
            }
            case 14 -> {                                                       // LEA r32, [esi+ebx*2+disp8]
                b.write(0x8D);
                b.write(0x44 | free(rnd) << 3);
                b.write(0x5E);
                b.write(rnd.nextInt(256));
            }
            case 15 -> {                                                       // ADC/SBB r8 and 16-bit ALU: generic
                if (rnd.nextBoolean()) {
                    b.write(rnd.nextBoolean() ? 0x10 : 0x18);
                    b.write(0xC0 | rnd.nextInt(8) << 3 | new int[] {0, 2, 3, 4, 6, 7}[rnd.nextInt(6)]);
                } else {
                    b.write(0x66);
                    b.write(alu << 3 | 1);
                    b.write(0xC0 | any(rnd) << 3 | free(rnd));
                }
            }
            case 16 -> {                                                       // IMUL r32, r32 / SETcc / CMOVcc
                b.write(0x0F);
                switch (rnd.nextInt(3)) {
                    case 0 -> { b.write(0xAF); b.write(0xC0 | free(rnd) << 3 | any(rnd)); }
                    case 1 -> { b.write(0x90 + rnd.nextInt(16)); b.write(0xC0 | new int[] {0, 2, 3, 7}[rnd.nextInt(4)]); }
                    default -> { b.write(0x40 + rnd.nextInt(16)); b.write(0xC0 | free(rnd) << 3 | any(rnd)); }
                }
            }
            case 17 -> b.write(new int[] {0xF5, 0xF8, 0xF9, 0x99, 0x9F, 0x98}[rnd.nextInt(6)]);  // CMC CLC STC CDQ LAHF CWDE
            case 18 -> {                                                       // MUL/NEG/NOT r32: generic, flag-heavy
                b.write(0xF7);
                b.write(0xC0 | new int[] {2, 3, 4}[rnd.nextInt(3)] << 3 | free(rnd));
            }
            case 19 -> {                                                       // a store into the code page (SMC)
                b.write(0x89);
                b.write(0x05);
                imm(b, 4, CODE + 0x80 + rnd.nextInt(8) * 4);   // beyond this program: the block is not hit
            }
            case 20 -> {                                                       // a store into this block's own bytes
                b.write(0xC7);
                b.write(0x05);
                imm(b, 4, CODE + rnd.nextInt(Math.max(1, b.size())));
                imm(b, 4, 0x90909090);                         // NOPs over what follows
            }
            case 22 -> {                                                       // MOVZX/MOVSX r32, r/m8 or r/m16
                b.write(0x0F);
                b.write(new int[] {0xB6, 0xB7, 0xBE, 0xBF}[rnd.nextInt(4)]);
                if (rnd.nextBoolean()) {
                    b.write(0x46 | free(rnd) << 3);
                    b.write(rnd.nextInt(0x100));
                } else {
                    b.write(0xC0 | free(rnd) << 3 | any(rnd));
                }
            }
            case 23 -> {                                                       // 8- and 16-bit ALU with memory, both ways
                if (rnd.nextBoolean()) b.write(0x66);
                b.write(alu << 3 | rnd.nextInt(4));
                b.write(0x46 | rnd.nextInt(8) << 3);
                b.write(rnd.nextInt(0x100));
            }
            case 24 -> {                                                       // shifts and rotates by CL or 1, any size
                int size = rnd.nextInt(3);
                if (size == 1) b.write(0x66);
                b.write(size == 0 ? (rnd.nextBoolean() ? 0xD2 : 0xD0) : (rnd.nextBoolean() ? 0xD3 : 0xD1));
                b.write(rnd.nextBoolean() ? 0xC0 | rnd.nextInt(8) << 3 | new int[] {0, 2, 3, 7}[rnd.nextInt(4)]
                        : 0x46 | rnd.nextInt(8) << 3);
                if ((b.toByteArray()[b.size() - 1] & 0xC0) == 0x40) b.write(rnd.nextInt(0x100));
            }
            case 25 -> {                                                       // XCHG r32, r32; NOT/NEG r/m8
                if (rnd.nextBoolean()) {
                    b.write(0x87);
                    b.write(0xC0 | free(rnd) << 3 | free(rnd));
                } else {
                    b.write(0xF6);
                    b.write(0x46 | (2 + rnd.nextInt(2)) << 3);
                    b.write(rnd.nextInt(0x100));
                }
            }
            case 26 -> {                                                       // DIV/IDIV r32 (may raise #DE)
                b.write(0xF7);
                b.write(0xC0 | (6 + rnd.nextInt(2)) << 3 | free(rnd));
            }
            case 27 -> {                                                       // PUSH imm8/imm32, PUSH [esi+d8], LEAVE-free frames
                switch (rnd.nextInt(3)) {
                    case 0 -> { b.write(0x6A); b.write(rnd.nextInt(256)); }
                    case 1 -> { b.write(0x68); imm(b, 4, value(rnd)); }
                    default -> { b.write(0xFF); b.write(0x76); b.write(rnd.nextInt(0x100) & 0xFC); }
                }
            }
            case 28 -> {                                                       // IMUL r32, r/m32, imm; MUL r/m32
                if (rnd.nextBoolean()) {
                    b.write(rnd.nextBoolean() ? 0x6B : 0x69);
                    boolean imm8 = (b.toByteArray()[b.size() - 1] & 0xFF) == 0x6B;
                    b.write(0xC0 | free(rnd) << 3 | any(rnd));
                    imm(b, imm8 ? 1 : 4, value(rnd));
                } else {
                    b.write(0xF7);
                    b.write(0x66);
                    b.write(rnd.nextInt(0x100) & 0xFC);
                }
            }
            case 29 -> {                                                       // MOV r/m8, imm8 and MOV r8, r8 (AH..BH too)
                if (rnd.nextBoolean()) {
                    b.write(0xC6);
                    b.write(0x46);
                    b.write(rnd.nextInt(0x100));
                    b.write(rnd.nextInt(0x100));
                } else {
                    b.write(0x88);
                    b.write(0xC0 | rnd.nextInt(8) << 3 | new int[] {0, 2, 3, 4, 6, 7}[rnd.nextInt(6)]);
                }
            }
            default -> {                                                       // ADC/SBB r32 hot forms
                b.write(rnd.nextBoolean() ? 0x11 : 0x19);
                b.write(0xC0 | any(rnd) << 3 | free(rnd));
            }
        }
    }

    private static void imm(ByteArrayOutputStream b, int size, int v) {
        for (int i = 0; i < size; i++) b.write(v >>> (8 * i));
    }

    /** Runs {@code p} from CODE to a HLT on a fresh machine; {@code jit} null runs the interpreter alone. */
    private static Outcome run(Program p, JitCompiler jit) {
        ReentrantLock lock = new ReentrantLock();
        PhysicalMemory mem = new PhysicalMemory(RAM, 0, lock);
        try {
            mem.mapRam(0, RAM, 0);
            // GDT: null, flat code (08h), flat data (10h); IDT: every vector to a HLT (SDM vol. 3, 3.4.5, 6.11).
            mem.writeDword(GDT + 8, 0x0000_FFFF);
            mem.writeDword(GDT + 12, 0x00CF_9A00);
            mem.writeDword(GDT + 16, 0x0000_FFFF);
            mem.writeDword(GDT + 20, 0x00CF_9200);
            for (int v = 0; v < 32; v++) {
                mem.writeDword(IDT + 8L * v, 0x0008_0000 | HANDLER);
                mem.writeDword(IDT + 8L * v + 4, 0x8E00);
            }
            mem.writeByte(HANDLER, 0xF4);
            mem.writeBytes(CODE, p.code(), 0, p.code().length);
            for (int i = 0; i < 0x100; i += 4) mem.writeDword(DATA + i, 0x0102_0304 * (i + 1));
            CpuState cpu = new CpuState(0);
            VcpuSet vcpus = new VcpuSet(1);
            Vcpu vcpu = vcpus.get(0);
            vcpu.bindToCurrentThread();
            X86Vcpu x86 = new X86Engine(mem, vcpus, 4096, jit).attach(vcpu, cpu, new CpuSocket(mem, new IoPortBus(lock)));
            cpu.enterFlatProtectedMode();
            cpu.gdtrBase = GDT;
            cpu.gdtrLimit = 23;
            cpu.idtrBase = IDT;
            cpu.idtrLimit = 32 * 8 - 1;
            cpu.segLimit[DS] = DATA_LIMIT;                 // [esi+ebx*4+disp] may pass it: #GP
            System.arraycopy(p.regs(), 0, cpu.regs, 0, 8);
            cpu.setEflags(p.eflags() | 2);
            cpu.eip = CODE;
            for (int k = 0; k < 200 && !cpu.halted; k++) {
                vcpus.processPendingWork(vcpu);
                x86.run();
            }
            int[] regs = new int[12];
            System.arraycopy(cpu.regs, 0, regs, 0, 8);
            regs[8] = cpu.eip;
            regs[9] = cpu.getEflags();
            regs[10] = (int) x86.retired();
            regs[11] = cpu.halted ? 1 : 0;
            byte[] memory = new byte[0x8000];
            mem.readBytes(0, memory, 0, memory.length);
            return new Outcome(regs, memory);
        } finally {
            mem.close();
        }
    }
}
