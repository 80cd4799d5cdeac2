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
    private Alu() { }

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
