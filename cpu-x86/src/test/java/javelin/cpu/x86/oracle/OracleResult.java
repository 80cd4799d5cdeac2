package javelin.cpu.x86.oracle;

import java.util.HexFormat;

/** The state after one case: GPRs (ESP not compared), EFLAGS, the FNSAVE image, the data bytes, and the fault. */
record OracleResult(int[] gpr, int eflags, byte[] fsave, byte[] data, String fault) {
    /** Fault names shared by both sides: the host's signal and our vector map onto these. */
    /** SIGFPE stands for both #DE and #MF: Linux reports either as that signal. */
    static final String NONE = "none", FPE = "#DE/#MF", INVALID_OPCODE = "#UD", OTHER = "other";

    static String faultOfSignal(int signal) {
        return switch (signal) {
            case 0 -> NONE;
            case 8 -> FPE;            // SIGFPE
            case 4 -> INVALID_OPCODE; // SIGILL
            default -> OTHER + "(signal " + signal + ")";
        };
    }

    static String faultOfVector(int vector) {
        return switch (vector) {
            case -1 -> NONE;
            case 0, 16 -> FPE;
            case 6 -> INVALID_OPCODE;
            default -> OTHER + "(vector " + vector + ")";
        };
    }

    String describe() {
        HexFormat hex = HexFormat.of().withUpperCase();
        StringBuilder s = new StringBuilder();
        String[] names = {"eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"};
        for (int i = 0; i < 8; i++) if (i != 4) s.append(names[i]).append('=').append(String.format("%08X ", gpr[i]));
        s.append(String.format("eflags=%08X fault=%s%n", eflags, fault));
        s.append("    fsave: ").append(hex.formatHex(fsave)).append('\n');
        s.append("    data : ").append(hex.formatHex(data)).append('\n');
        return s.toString();
    }
}
