package javelin.cpu.x86.guest;

import java.io.IOException;
import java.nio.file.Path;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.exec.X86Vcpu;
import javelin.cpu.x86.testing.Nasm;
import javelin.cpu.x86.testing.TestMachine;
import javelin.softmmu.PortDevice;

/**
 * A self-checking guest program of {@code src/test/asm} on a bare PC: an 8 MiB
 * {@link TestMachine} with the program as its firmware ROM (at the top of 4 GiB, and its last
 * 128 KiB also below 1 MiB, ending at 0xFFFFF), a debug console on port 0xE9 (Bochs/QEMU's
 * port E9 hack), QEMU's isa-debug-exit on port 0xF4, and one vCPU on the translation-block
 * engine.
 */
final class GuestProgram {
    static final int RAM_SIZE = 8 << 20;
    static final int PORT_CONSOLE = 0xE9, PORT_EXIT = 0xF4;

    /** What a run produced. {@code status} is the byte written to the exit port, or -1. */
    record Result(int status, String console, boolean shutdown, boolean halted, long instructions) { }

    private final TestMachine machine;
    private final CpuState cpu;
    private final X86Vcpu x86;
    private final StringBuilder console = new StringBuilder();
    private int status = -1;

    GuestProgram(byte[] rom) {
        machine = TestMachine.builder().ram(RAM_SIZE).rom(rom).engine(4096).build();
        cpu = machine.cpu();
        x86 = machine.x86(0);
        machine.io.register(PORT_CONSOLE, 1, new PortDevice() {
            @Override public int ioRead(int port, int size) {
                return PORT_CONSOLE;          // Bochs answers 0xE9 so guests can detect the port
            }

            @Override public void ioWrite(int port, int size, int value) {
                console.append((char) (value & 0xFF));
            }
        });
        machine.io.register(PORT_EXIT, 1, new PortDevice() {
            @Override public int ioRead(int port, int size) {
                return -1;
            }

            @Override public void ioWrite(int port, int size, int value) {
                status = value & 0xFF;
                machine.kick(0);
            }
        });
    }

    /** Runs until the exit port is written, a shutdown, a halt with nothing to wake it, or the budget ends. */
    Result run(long maxInstructions) {
        long done = 0;
        while (done < maxInstructions && status < 0 && !cpu.shutdownRequested) {
            x86.setSlice(Math.min(100_000, maxInstructions - done));
            long n = machine.runSlice(0);
            done += n;
            if (n == 0 && (cpu.halted || cpu.shutdownRequested)) break;
        }
        return new Result(status, console.toString(), cpu.shutdownRequested, cpu.halted, done);
    }

    /** Assembles {@code source} with nasm into a flat binary. */
    static byte[] assemble(Path source) throws IOException, InterruptedException {
        return Nasm.assemble(source, "guest-asm");
    }

    /** The guest sources: {@code src/test/asm} of this module. */
    static Path asmDir() {
        return Nasm.sourceDir("src", "test", "asm");
    }
}
