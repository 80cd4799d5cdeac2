package javelin.cpu.x86.interp;

import static javelin.cpu.x86.LazyFlags.*;

import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.LazyFlags;

/**
 * The eight group-1 operations and INC/DEC/NEG/NOT (SDM vol. 2, ADD..XOR). Every method takes
 * the operand size in bytes (1, 2, 4), returns the result truncated to it, and records the
 * flags lazily.
 */
final class Alu {
    static final int OP_ADD = 0, OP_OR = 1, OP_ADC = 2, OP_SBB = 3, OP_AND = 4, OP_SUB = 5, OP_XOR = 6, OP_CMP = 7;

    private Alu() { }

    /** Group-1 operation {@code op} (ModRM.reg order); CMP returns {@code a} unchanged. */
    static int arith(CpuState cpu, int op, int a, int b, int size) {
        return switch (op) {
            case OP_ADD -> add(cpu, a, b, size);
            case OP_OR -> logic(cpu, a | b, size);
            case OP_ADC -> adc(cpu, a, b, size);
            case OP_SBB -> sbb(cpu, a, b, size);
            case OP_AND -> logic(cpu, a & b, size);
            case OP_SUB -> sub(cpu, a, b, size);
            case OP_XOR -> logic(cpu, a ^ b, size);
            default -> {
                sub(cpu, a, b, size);
                yield a;
            }
        };
    }

    static int add(CpuState cpu, int a, int b, int size) {
        int m = mask(size);
        int r = (a + b) & m;
        LazyFlags.record(cpu, KIND_ADD, size, r, a & m, b & m);
        return r;
    }

    static int adc(CpuState cpu, int a, int b, int size) {
        int m = mask(size);
        int c = LazyFlags.carry(cpu) ? 1 : 0;
        int r = (a + b + c) & m;
        LazyFlags.record(cpu, KIND_ADC, size, r, a & m, b & m);
        return r;
    }

    static int sub(CpuState cpu, int a, int b, int size) {
        int m = mask(size);
        int r = (a - b) & m;
        LazyFlags.record(cpu, KIND_SUB, size, r, a & m, b & m);
        return r;
    }

    static int sbb(CpuState cpu, int a, int b, int size) {
        int m = mask(size);
        int c = LazyFlags.carry(cpu) ? 1 : 0;
        int r = (a - b - c) & m;
        LazyFlags.record(cpu, KIND_SBB, size, r, a & m, b & m);
        return r;
    }

    static int logic(CpuState cpu, int r, int size) {
        r &= mask(size);
        LazyFlags.record(cpu, KIND_LOGIC, size, r, 0, 0);
        return r;
    }

    static int inc(CpuState cpu, int a, int size) {
        int m = mask(size);
        int cf = LazyFlags.carry(cpu) ? CpuState.CF : 0;
        int r = (a + 1) & m;
        LazyFlags.record(cpu, KIND_INC, size, r, a & m, cf);
        return r;
    }

    static int dec(CpuState cpu, int a, int size) {
        int m = mask(size);
        int cf = LazyFlags.carry(cpu) ? CpuState.CF : 0;
        int r = (a - 1) & m;
        LazyFlags.record(cpu, KIND_DEC, size, r, a & m, cf);
        return r;
    }

    /** NEG: flags as 0 - a (CF set unless the operand is 0). */
    static int neg(CpuState cpu, int a, int size) {
        return sub(cpu, 0, a, size);
    }

    static int not(int a, int size) {
        return ~a & mask(size);
    }
}
