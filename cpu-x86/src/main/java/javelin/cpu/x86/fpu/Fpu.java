package javelin.cpu.x86.fpu;

import java.util.List;
import javelin.softmmu.state.SnapshotFormatException;

/**
 * The x87 register file of one vCPU (SDM vol. 1, 8.1): eight 80-bit data registers addressed
 * as a stack through TOP, the control, status and tag words, and the last instruction and data
 * pointers with the last opcode. Instruction semantics live in {@link X87Executor}; this class
 * keeps the stack discipline (stack faults, SDM vol. 1, 8.5.1.1), the exception summary
 * (ES/B) and the saved images (FSTENV/FSAVE in their four layouts, FXSAVE).
 *
 * <p>The tag word is kept abridged (one "valid" bit per physical register, as in FXSAVE); the
 * full two-bit tags are computed from the register contents when stored (SDM vol. 1, 8.1.7).
 *
 * <p>Its snapshot state ({@link State}) is the {@code fpu} part of the CPU's state record, which
 * versions it: the x87 is part of the processor, not a component of its own.
 *
 * <p>Owned by its vCPU thread.
 */
public final class Fpu {
    // Status word bits (SDM vol. 1, 8.1.3).
    public static final int SW_IE = 1, SW_DE = 1 << 1, SW_ZE = 1 << 2, SW_OE = 1 << 3, SW_UE = 1 << 4,
            SW_PE = 1 << 5, SW_SF = 1 << 6, SW_ES = 1 << 7, SW_C0 = 1 << 8, SW_C1 = 1 << 9, SW_C2 = 1 << 10,
            SW_TOP_SHIFT = 11, SW_TOP = 7 << 11, SW_C3 = 1 << 14, SW_B = 1 << 15;
    public static final int SW_CC = SW_C0 | SW_C1 | SW_C2 | SW_C3;
    /** Control word after FNINIT: all exceptions masked, 64-bit precision, round to nearest (SDM vol. 1, 8.1.5). */
    public static final int CW_INIT = 0x037F;
    /** Tag values (SDM vol. 1, 8.1.7). */
    public static final int TAG_VALID = 0, TAG_ZERO = 1, TAG_SPECIAL = 2, TAG_EMPTY = 3;

    private final int[] signExp = new int[8];
    private final long[] significand = new long[8];
    /** Bit i set: physical register i is not empty. */
    private int valid;
    private int top;
    private int cw = CW_INIT;
    /** Status word without TOP (bits 11-13 always 0 here). */
    private int sw;
    // Last instruction and data pointers (SDM vol. 1, 8.1.8, 8.1.9).
    int fip, fcs, fdp, fds, fop;

    final Float80Math math = new Float80Math();

    public Fpu() {
        init();
    }

    /** FNINIT/FINIT (SDM vol. 2): the default control word, all registers empty. */
    public void init() {
        cw = CW_INIT;
        sw = 0;
        top = 0;
        valid = 0;
        fip = fcs = fdp = fds = fop = 0;
    }

    /** Power-on RESET (SDM vol. 3, table 9-1): control word 0040H, all tags valid, registers +0. */
    public void powerOnReset() {
        init();
        cw = 0x0040;
        valid = 0xFF;
        for (int i = 0; i < 8; i++) {
            signExp[i] = 0;
            significand[i] = 0;
        }
    }

    // ---------------------------------------------------------------- words

    public int controlWord() {
        return cw;
    }

    /** FLDCW: bits 6, 13-15 are reserved; 0040 reads back as set bit 6 (SDM vol. 1, fig. 8-6). */
    public void setControlWord(int value) {
        cw = (value & 0x1F3F) | 0x0040;
        updateSummary();
    }

    public int statusWord() {
        return (sw & ~SW_TOP) | top << SW_TOP_SHIFT;
    }

    void setStatusWord(int value) {
        sw = value & ~SW_TOP & 0xFFFF;
        top = (value >>> SW_TOP_SHIFT) & 7;
    }

    public int top() {
        return top;
    }

    /** The full tag word (two bits per physical register), computed from the contents. */
    public int tagWord() {
        int t = 0;
        for (int i = 0; i < 8; i++) t |= tagOf(i) << (2 * i);
        return t;
    }

    private int tagOf(int phys) {
        if ((valid & 1 << phys) == 0) return TAG_EMPTY;
        Float80 v = physical(phys);
        if (v.isZero()) return TAG_ZERO;
        if (v.exponent() == 0 || v.exponent() == Float80.EXP_MAX || v.significand() >= 0) return TAG_SPECIAL;
        return TAG_VALID;
    }

    /** Loads a full tag word: only the "empty" encoding matters (SDM vol. 1, 8.1.7). */
    void setTagWord(int tags) {
        valid = 0;
        for (int i = 0; i < 8; i++) if (((tags >>> (2 * i)) & 3) != TAG_EMPTY) valid |= 1 << i;
    }

    /** The abridged tag byte of FXSAVE: bit i set if physical register i is not empty. */
    public int abridgedTag() {
        return valid;
    }

    /** Unmasked exception pending: a waiting x87 instruction must raise #MF or assert FERR#. */
    public boolean exceptionPending() {
        return (sw & SW_ES) != 0;
    }

    /** FNCLEX (SDM vol. 2): clears the exception flags, SF, ES and B. */
    public void clearExceptions() {
        sw &= ~(0x3F | SW_SF | SW_ES | SW_B);
    }

    /** Recomputes ES and B: set while any exception flag is unmasked. */
    void updateSummary() {
        if ((sw & ~cw & 0x3F) != 0) {
            sw |= SW_ES | SW_B;
        } else {
            sw &= ~(SW_ES | SW_B);
        }
    }

    // ---------------------------------------------------------------- registers

    Float80 physical(int i) {
        return new Float80(signExp[i], significand[i]);
    }

    private void setPhysical(int i, Float80 v) {
        signExp[i] = v.signExp();
        significand[i] = v.significand();
        valid |= 1 << i;
    }

    int phys(int st) {
        return (top + st) & 7;
    }

    /** ST(i), whatever its tag. */
    public Float80 st(int i) {
        return physical(phys(i));
    }

    boolean isEmptyPhysical(int p) {
        return (valid & 1 << p) == 0;
    }

    public boolean isEmpty(int st) {
        return (valid & 1 << phys(st)) == 0;
    }

    void setSt(int i, Float80 v) {
        setPhysical(phys(i), v);
    }

    void free(int st) {
        valid &= ~(1 << phys(st));
    }

    void pop() {
        free(0);
        top = (top + 1) & 7;
    }

    void incTop() {
        top = (top + 1) & 7;
    }

    void decTop() {
        top = (top - 1) & 7;
    }

    /** Stack overflow (C1=1) or underflow (C1=0): IE and SF (SDM vol. 1, 8.5.1.1). */
    void stackFault(boolean overflow) {
        sw |= SW_IE | SW_SF;
        sw = overflow ? sw | SW_C1 : sw & ~SW_C1;
        updateSummary();
    }

    /** Stack underflow on an operation whose result goes to ST(dest): the masked response writes the indefinite. */
    boolean underflowInto(int dest) {
        stackFault(false);
        if ((cw & SW_IE) == 0) return false;
        setSt(dest, Float80.INDEFINITE);
        return true;
    }

    boolean ieMasked() {
        return (cw & SW_IE) != 0;
    }

    // ---------------------------------------------------------------- arithmetic bookkeeping

    /** Prepares {@link #math} for one instruction: the control word's modes, no flags. */
    Float80Math begin() {
        math.setControlWord(cw);
        math.flags = 0;
        return math;
    }

    /** Merges the flags {@link #math} raised; C1 becomes the "rounded up" bit. */
    void finish() {
        // An unmasked IE, DE or ZE stops the operation before it produces a result: no PE, OE, UE or C1.
        if (suppressed()) math.flags &= Float80Math.IE | Float80Math.DE | Float80Math.ZE;
        // An invalid operation or a division by zero reports no denormal operand (host CPU).
        if ((math.flags & (Float80Math.IE | Float80Math.ZE)) != 0) math.flags &= ~Float80Math.DE;
        sw = (sw & ~SW_C1) | (math.flags & (0x3F | SW_C1));
        updateSummary();
    }

    /** True if the operation must not write its result: an unmasked IE, DE or ZE. */
    boolean suppressed() {
        int fl = math.flags;
        if ((fl & (SW_IE | SW_ZE)) != 0) fl &= ~SW_DE;   // invalid and divide-by-zero take precedence
        return (fl & ~cw & (SW_IE | SW_DE | SW_ZE)) != 0;
    }

    void setConditionCodes(int c3c2c0) {
        sw = (sw & ~(SW_C0 | SW_C2 | SW_C3)) | c3c2c0;
    }

    void setC1(boolean on) {
        sw = on ? sw | SW_C1 : sw & ~SW_C1;
    }

    /** Records the pointers of a non-control instruction (SDM vol. 1, 8.1.8): FOP is 11 bits. */
    public void recordInstruction(int cs, int eip, int opcode, int modrm) {
        fcs = cs & 0xFFFF;
        fip = eip;
        fop = ((opcode & 7) << 8) | (modrm & 0xFF);
    }

    public void recordOperand(int ds, int offset) {
        fds = ds & 0xFFFF;
        fdp = offset;
    }

    // ---------------------------------------------------------------- saved images

    /**
     * The FSTENV image (SDM vol. 1, figs. 8-9 to 8-12): 28 bytes for a 32-bit operand size, 14
     * for 16-bit; real-mode layouts store the linear instruction and operand addresses.
     */
    public byte[] saveEnvironment(boolean op32, boolean realMode) {
        byte[] b = new byte[op32 ? 28 : 14];
        int sw = statusWord(), tw = tagWord();
        if (op32) {
            put32(b, 0, 0xFFFF_0000 | cw);
            put32(b, 4, 0xFFFF_0000 | sw);
            put32(b, 8, 0xFFFF_0000 | tw);
            if (realMode) {
                int ip = fip + (fcs << 4);
                int dp = fdp + (fds << 4);
                put32(b, 12, 0xFFFF_0000 | (ip & 0xFFFF));
                put32(b, 16, ((ip >>> 16) & 0xFFFF) << 12 | fop);
                put32(b, 20, 0xFFFF_0000 | (dp & 0xFFFF));
                put32(b, 24, ((dp >>> 16) & 0xFFFF) << 12);
            } else {
                put32(b, 12, fip);
                put32(b, 16, fop << 16 | fcs);
                put32(b, 20, fdp);
                put32(b, 24, 0xFFFF_0000 | fds);
            }
        } else {
            put16(b, 0, cw);
            put16(b, 2, sw);
            put16(b, 4, tw);
            if (realMode) {
                int ip = fip + (fcs << 4);
                int dp = fdp + (fds << 4);
                put16(b, 6, ip);
                put16(b, 8, ((ip >>> 16) & 0xF) << 12 | fop);
                put16(b, 10, dp);
                put16(b, 12, ((dp >>> 16) & 0xF) << 12);
            } else {
                put16(b, 6, fip);
                put16(b, 8, fcs);
                put16(b, 10, fdp);
                put16(b, 12, fds);
            }
        }
        return b;
    }

    /** FLDENV: the inverse of {@link #saveEnvironment}. */
    public void loadEnvironment(byte[] b, boolean op32, boolean realMode) {
        if (op32) {
            cw = (get16(b, 0) & 0x1F3F) | 0x40;
            setStatusWord(get16(b, 4));
            setTagWord(get16(b, 8));
            if (realMode) {
                fip = get16(b, 12) | (get32(b, 16) >>> 12 & 0xFFFF) << 16;
                fop = get32(b, 16) & 0x7FF;
                fdp = get16(b, 20) | (get32(b, 24) >>> 12 & 0xFFFF) << 16;
                fcs = fds = 0;
            } else {
                fip = get32(b, 12);
                fcs = get16(b, 16);
                fop = (get32(b, 16) >>> 16) & 0x7FF;
                fdp = get32(b, 20);
                fds = get16(b, 24);
            }
        } else {
            cw = (get16(b, 0) & 0x1F3F) | 0x40;
            setStatusWord(get16(b, 2));
            setTagWord(get16(b, 4));
            if (realMode) {
                fip = get16(b, 6) | (get16(b, 8) >>> 12) << 16;
                fop = get16(b, 8) & 0x7FF;
                fdp = get16(b, 10) | (get16(b, 12) >>> 12) << 16;
                fcs = fds = 0;
            } else {
                fip = get16(b, 6);
                fcs = get16(b, 8);
                fdp = get16(b, 10);
                fds = get16(b, 12);
            }
        }
        updateSummary();
    }

    /** FNSAVE: environment then ST(0)..ST(7), 10 bytes each (108 or 94 bytes); then FNINIT. */
    public byte[] save(boolean op32, boolean realMode) {
        byte[] env = saveEnvironment(op32, realMode);
        byte[] b = new byte[env.length + 80];
        System.arraycopy(env, 0, b, 0, env.length);
        for (int i = 0; i < 8; i++) st(i).toBytes(b, env.length + 10 * i);
        init();
        return b;
    }

    /** FRSTOR: the inverse of {@link #save}. */
    public void restore(byte[] b, boolean op32, boolean realMode) {
        loadEnvironment(b, op32, realMode);
        int base = op32 ? 28 : 14;
        int savedValid = valid;
        for (int i = 0; i < 8; i++) {
            Float80 v = Float80.fromBytes(b, base + 10 * i);
            int p = phys(i);
            signExp[p] = v.signExp();
            significand[p] = v.significand();
        }
        valid = savedValid;
    }

    /**
     * The x87 part of the 512-byte FXSAVE image (SDM vol. 2, FXSAVE, table 3-53, 32-bit
     * layout): bytes 0-31 and the registers at 32..159; the SSE part is left zero.
     */
    public byte[] fxsave() {
        byte[] b = new byte[512];
        put16(b, 0, cw);
        put16(b, 2, statusWord());
        b[4] = (byte) valid;
        put16(b, 6, fop);
        put32(b, 8, fip);
        put16(b, 12, fcs);
        put32(b, 16, fdp);
        put16(b, 20, fds);
        put32(b, 24, 0x1F80);          // MXCSR at its reset value; no SSE is modelled yet
        // MXCSR_MASK (bytes 28-31) stays 0, which software reads as the default mask 0xFFBF.
        for (int i = 0; i < 8; i++) st(i).toBytes(b, 32 + 16 * i);
        return b;
    }

    /** FXRSTOR of the x87 part. */
    public void fxrstor(byte[] b) {
        cw = (get16(b, 0) & 0x1F3F) | 0x40;
        setStatusWord(get16(b, 2));
        fop = get16(b, 6) & 0x7FF;
        fip = get32(b, 8);
        fcs = get16(b, 12);
        fdp = get32(b, 16);
        fds = get16(b, 20);
        for (int i = 0; i < 8; i++) {
            Float80 v = Float80.fromBytes(b, 32 + 16 * i);
            int p = phys(i);
            signExp[p] = v.signExp();
            significand[p] = v.significand();
        }
        valid = b[4] & 0xFF;
        updateSummary();
    }

    static void put16(byte[] b, int off, int v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
    }

    static void put32(byte[] b, int off, int v) {
        put16(b, off, v);
        put16(b, off + 2, v >>> 16);
    }

    static int get16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    static int get32(byte[] b, int off) {
        return get16(b, off) | get16(b, off + 2) << 16;
    }

    // ---------------------------------------------------------------- snapshot state

    /** One physical register: bits 79-64 and 63-0. */
    public record Register(int signExp, long significand) { }

    /**
     * The x87 state as a snapshot stores it, the {@code fpu} part of the CPU's state record (which
     * carries the version): the control word, the status word with TOP in bits 13:11, the
     * abridged tag (bit i set: physical register i is not empty, as FXSAVE stores it), physical
     * registers 0-7 (not ST order), and the last instruction and data pointers with the opcode.
     * The full tag word is not stored: it follows from the abridged tag and the register
     * contents (SDM vol. 1, 8.1.7).
     */
    public record State(int controlWord, int statusWord, int validMask, List<Register> registers,
                        int fip, int fcs, int fdp, int fds, int fop) {
        private static final String ID = "cpu.fpu";

        public State {
            if (registers == null || registers.size() != 8) throw new SnapshotFormatException(ID, "registers", "need 8");
            registers = List.copyOf(registers);
            if ((validMask & ~0xFF) != 0) throw new SnapshotFormatException(ID, "validMask", "not 8 bits");
            if ((controlWord & ~0xFFFF) != 0) throw new SnapshotFormatException(ID, "controlWord", "not 16 bits");
            if ((statusWord & ~0xFFFF) != 0) throw new SnapshotFormatException(ID, "statusWord", "not 16 bits");
        }
    }

    public State saveState() {
        Register[] r = new Register[8];
        for (int i = 0; i < 8; i++) r[i] = new Register(signExp[i], significand[i]);
        return new State(cw, statusWord(), valid, List.of(r), fip, fcs, fdp, fds, fop);
    }

    public void restoreState(State s) {
        cw = s.controlWord();
        setStatusWord(s.statusWord());
        for (int i = 0; i < 8; i++) {
            signExp[i] = s.registers().get(i).signExp() & 0xFFFF;
            significand[i] = s.registers().get(i).significand();
        }
        valid = s.validMask();
        fip = s.fip();
        fcs = s.fcs();
        fdp = s.fdp();
        fds = s.fds();
        fop = s.fop();
        updateSummary();
    }
}
