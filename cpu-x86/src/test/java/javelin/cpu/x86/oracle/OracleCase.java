package javelin.cpu.x86.oracle;

import java.util.HexFormat;
import java.util.List;

/**
 * One generated test: the initial state (GPRs, EFLAGS, the 108-byte 32-bit protected-mode
 * FNSAVE image, {@link #DATA_SIZE} bytes at {@link #DATA_ADDR}) and the instruction bytes run at
 * {@link #CODE_ADDR}. {@code undefinedFlags} and {@code undefinedStatus} mask the EFLAGS and x87
 * status-word bits the manuals call undefined for this instruction; {@code undefinedRegs} has
 * bit r set when GPR r's result is undefined.
 */
record OracleCase(Kind kind, String name, List<Integer> gpr, int eflags, byte[] fsave, byte[] data, byte[] code,
                  int undefinedFlags, int undefinedStatus, int undefinedRegs) {
    static final int CODE_ADDR = 0x0030_0000, DATA_ADDR = 0x0020_0000, DATA_SIZE = 128, FSAVE_SIZE = 108;

    /** Integer instructions, x87 instructions that must match exactly, x87 transcendentals (measured in ulps). */
    enum Kind { INTEGER, X87, X87_TRANSCENDENTAL }

    OracleCase {
        gpr = List.copyOf(gpr);
        fsave = fsave.clone();
        data = data.clone();
        code = code.clone();
    }

    String describe() {
        HexFormat hex = HexFormat.of().withUpperCase();
        StringBuilder s = new StringBuilder();
        s.append(kind).append(' ').append(name).append("  bytes ").append(hex.formatHex(code)).append('\n');
        s.append("  in : ");
        String[] names = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
        for (int i = 0; i < 8; i++) if (i != 4) s.append(names[i]).append('=').append(String.format("%08X ", gpr.get(i)));
        s.append(String.format("eflags=%08X%n", eflags));
        if (kind != Kind.INTEGER) s.append("  fsave in : ").append(hex.formatHex(fsave)).append('\n');
        s.append("  data in  : ").append(hex.formatHex(data)).append('\n');
        return s.toString();
    }
}
