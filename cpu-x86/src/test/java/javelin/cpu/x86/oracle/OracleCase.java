package javelin.cpu.x86.oracle;

import java.util.HexFormat;
import java.util.List;

/**
 * One generated test: the initial state (GPRs, EFLAGS, the 108-byte 32-bit protected-mode
 * FNSAVE image, {@link #DATA_SIZE} bytes at {@link #DATA_ADDR}) and the instruction bytes run at
 * {@link #CODE_ADDR}. {@code undefined} lists the parts of the result the manuals leave
 * undefined for this instruction and these operands, each with its {@link Undefined} class.
 */
record OracleCase(Kind kind, String name, List<Integer> gpr, int eflags, byte[] fsave, byte[] data, byte[] code,
                  List<UndefinedPart> undefined) {
    static final int CODE_ADDR = 0x0030_0000, DATA_ADDR = 0x0020_0000, DATA_SIZE = 128, FSAVE_SIZE = 108;

    /** Integer instructions, x87 instructions that must match exactly, x87 transcendentals (measured in ulps). */
    enum Kind { INTEGER, X87, X87_TRANSCENDENTAL }

    /**
     * What one {@link Undefined} class leaves undefined in this case: EFLAGS bits, x87 status-word
     * bits, GPRs (bit r for register r) and the data bytes {@code [dataFrom, dataTo)}.
     */
    record UndefinedPart(Undefined what, int flags, int status, int regs, int dataFrom, int dataTo) {
        static UndefinedPart flags(Undefined what, int flags) {
            return new UndefinedPart(what, flags, 0, 0, 0, 0);
        }

        static UndefinedPart status(Undefined what, int status) {
            return new UndefinedPart(what, 0, status, 0, 0, 0);
        }
    }

    /** The union of the undefined parts of the classes that {@code skipped} selects. */
    record Masks(int flags, int status, int regs, int dataFrom, int dataTo) {
        static final Masks NONE = new Masks(0, 0, 0, 0, 0);

        boolean skipsData(int i) {
            return i >= dataFrom && i < dataTo;
        }
    }

    OracleCase {
        gpr = List.copyOf(gpr);
        fsave = fsave.clone();
        data = data.clone();
        code = code.clone();
        undefined = List.copyOf(undefined);
    }

    /** The masks of the undefined parts {@code host} does not compare. */
    Masks skippedOn(HostCpu host) {
        int flags = 0, status = 0, regs = 0, from = 0, to = 0;
        for (UndefinedPart p : undefined) {
            if (host.comparesUndefined(p.what())) continue;
            flags |= p.flags();
            status |= p.status();
            regs |= p.regs();
            if (p.dataTo() > p.dataFrom()) {
                from = to > from ? Math.min(from, p.dataFrom()) : p.dataFrom();
                to = Math.max(to, p.dataTo());
            }
        }
        return new Masks(flags, status, regs, from, to);
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
        if (!undefined.isEmpty()) s.append("  undefined: ").append(undefined).append('\n');
        return s.toString();
    }
}
