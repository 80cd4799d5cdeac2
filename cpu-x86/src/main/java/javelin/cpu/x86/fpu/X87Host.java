package javelin.cpu.x86.fpu;

/**
 * What an x87 instruction needs from the CPU around the FPU: its memory operand (at the
 * effective address already computed and checked by the caller, {@code offset} bytes into it),
 * the integer flags for FCMOVcc and FCOMI, and AX for FNSTSW AX. The interpreter implements it
 * over segmented guest memory; the oracle over a byte array.
 */
public interface X87Host {
    /** Reads {@code size} (1..8) little-endian bytes at the operand address plus {@code offset}. */
    long read(int offset, int size);

    /** Writes {@code size} (1..8) little-endian bytes at the operand address plus {@code offset}. */
    void write(int offset, int size, long value);

    int eflags();

    /** Sets ZF, PF and CF as given (EFLAGS bit positions) and clears OF, SF and AF (FCOMI, SDM vol. 2). */
    void setCompareFlags(int zfPfCf);

    void setAx(int value);

    /** Real or virtual-8086 mode (FSTENV/FSAVE store linear pointers). */
    boolean realMode();
}
