package javelin.cpu.x86.interp;

import static javelin.cpu.x86.CpuState.*;

import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.LazyFlags;
import javelin.cpu.x86.decode.DecodedInsn;
import javelin.cpu.x86.system.SystemInstructions;

/**
 * String instructions (SDM vol. 2, MOVS/CMPS/STOS/LODS/SCAS/INS/OUTS; vol. 1, 7.3.9.2 REP):
 * source DS:(E)SI (segment override allowed), destination ES:(E)DI (never overridden), the
 * address size picks SI/DI/CX or ESI/EDI/ECX, DF picks the direction.
 *
 * <p>With a REP prefix every iteration updates the registers before the next one, so a fault
 * in the middle leaves a restartable state (EIP still at the instruction). The loop also stops
 * every {@link #POLL_INTERVAL} iterations when the CPU must attend to something
 * ({@link Interpreter#needsAttention}: an interrupt pending with IF set, an NMI, or an exit
 * request) and leaves EIP at the instruction, which resumes the remaining count when it runs
 * again.
 */
final class StringOps {
    static final int POLL_INTERVAL = 1024;

    private StringOps() { }

    /** Runs one string instruction for {@code in}; returns true if it finished (false: resume it later). */
    static boolean run(Interpreter in, CpuState cpu, SegmentedMemory m, DecodedInsn d, int size) {
        boolean a32 = d.addr32;
        int amask = a32 ? -1 : 0xFFFF;
        int[] r = cpu.regs;
        int delta = (cpu.eflagsRest & DF) != 0 ? -size : size;
        if (!d.rep()) {
            step(in, cpu, m, d, size, amask, delta);
            return true;
        }
        boolean conditional = d.mnemonic == javelin.cpu.x86.decode.Mnemonic.CMPS
                || d.mnemonic == javelin.cpu.x86.decode.Mnemonic.SCAS;
        boolean repe = (d.prefixes & DecodedInsn.P_REP) != 0;
        int n = 0;
        while ((r[ECX] & amask) != 0) {
            step(in, cpu, m, d, size, amask, delta);
            r[ECX] = (r[ECX] & ~amask) | ((r[ECX] - 1) & amask);
            if (conditional && LazyFlags.zero(cpu) != repe) return true;
            if (++n == POLL_INTERVAL) {
                n = 0;
                if ((r[ECX] & amask) != 0 && in.needsAttention()) return false;
            }
        }
        return true;
    }

    private static void step(Interpreter in, CpuState cpu, SegmentedMemory m, DecodedInsn d, int size, int amask,
            int delta) {
        int[] r = cpu.regs;
        int si = r[ESI] & amask, di = r[EDI] & amask;
        switch (d.mnemonic) {
            case MOVS -> {
                int v = m.read(d.seg, si, size);
                m.write(ES, di, size, v);
                advance(r, ESI, amask, delta);
                advance(r, EDI, amask, delta);
            }
            case CMPS -> {
                int a = m.read(d.seg, si, size);
                int b = m.read(ES, di, size);
                Alu.sub(cpu, a, b, size);
                advance(r, ESI, amask, delta);
                advance(r, EDI, amask, delta);
            }
            case STOS -> {
                m.write(ES, di, size, r[EAX]);
                advance(r, EDI, amask, delta);
            }
            case LODS -> {
                int v = m.read(d.seg, si, size);
                setAcc(r, v, size);
                advance(r, ESI, amask, delta);
            }
            case SCAS -> {
                int b = m.read(ES, di, size);
                Alu.sub(cpu, r[EAX], b, size);
                advance(r, EDI, amask, delta);
            }
            case INS -> {
                int port = r[EDX] & 0xFFFF;
                SystemInstructions.checkIoPermission(cpu, in.mmu(), port, size);
                m.linear(ES, di, size, true);
                int v = in.socket().io.read(port, size);
                m.write(ES, di, size, v);
                advance(r, EDI, amask, delta);
            }
            case OUTS -> {
                int port = r[EDX] & 0xFFFF;
                SystemInstructions.checkIoPermission(cpu, in.mmu(), port, size);
                int v = m.read(d.seg, si, size);
                in.socket().io.write(port, size, v);
                advance(r, ESI, amask, delta);
            }
            default -> throw new IllegalStateException(d.mnemonic + " is not a string instruction");
        }
    }

    private static void advance(int[] r, int reg, int amask, int delta) {
        r[reg] = (r[reg] & ~amask) | ((r[reg] + delta) & amask);
    }

    static void setAcc(int[] r, int v, int size) {
        switch (size) {
            case 1 -> r[EAX] = (r[EAX] & ~0xFF) | (v & 0xFF);
            case 2 -> r[EAX] = (r[EAX] & ~0xFFFF) | (v & 0xFFFF);
            default -> r[EAX] = v;
        }
    }
}
