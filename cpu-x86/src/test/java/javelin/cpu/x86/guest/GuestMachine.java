package javelin.cpu.x86.guest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.exec.X86Engine;
import javelin.cpu.x86.exec.X86Vcpu;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.PortDevice;
import javelin.softmmu.exec.Vcpu;
import javelin.softmmu.exec.VcpuSet;

/**
 * A bare PC for the self-checking guest programs of {@code src/test/asm}: RAM, the program
 * as a ROM mapped the way a PC maps its BIOS (at the top of 4 GiB, and its last 128 KiB also
 * below 1 MiB, ending at 0xFFFFF), a debug console on port 0xE9 (Bochs/QEMU's port E9 hack)
 * and QEMU's isa-debug-exit on port 0xF4, and one vCPU on the translation-block engine.
 */
final class GuestMachine {
    static final int RAM_SIZE = 8 << 20;
    static final int PORT_CONSOLE = 0xE9, PORT_EXIT = 0xF4;
    private static final long LOW_ROM_END = 0x10_0000;
    private static final int LOW_ROM_MAX = 128 << 10;

    /** What a run produced. {@code status} is the byte written to the exit port, or -1. */
    record Result(int status, String console, boolean shutdown, boolean halted, long instructions) { }

    final PhysicalMemory mem;
    final CpuState cpu;
    private final VcpuSet vcpus = new VcpuSet(1);
    private final Vcpu vcpu = vcpus.get(0);
    private final X86Vcpu x86;
    private final StringBuilder console = new StringBuilder();
    private int status = -1;

    GuestMachine(byte[] rom) {
        ReentrantLock lock = new ReentrantLock();
        mem = new PhysicalMemory(RAM_SIZE, rom.length, lock);
        mem.mapRam(0, RAM_SIZE, 0);
        long backing = mem.allocateBlock(rom.length);
        mem.mapRom(0x1_0000_0000L - rom.length, rom.length, backing);
        int low = Math.min(rom.length, LOW_ROM_MAX);
        mem.mapRom(LOW_ROM_END - low, low, backing + rom.length - low);
        mem.loadIntoRom(0x1_0000_0000L - rom.length, rom);
        IoPortBus io = new IoPortBus(lock);
        cpu = new CpuState(mem, io, 0);
        io.register(PORT_CONSOLE, 1, new PortDevice() {
            @Override public int ioRead(int port, int size) {
                return PORT_CONSOLE;          // Bochs answers 0xE9 so guests can detect the port
            }

            @Override public void ioWrite(int port, int size, int value) {
                console.append((char) (value & 0xFF));
            }
        });
        io.register(PORT_EXIT, 1, new PortDevice() {
            @Override public int ioRead(int port, int size) {
                return -1;
            }

            @Override public void ioWrite(int port, int size, int value) {
                status = value & 0xFF;
                vcpu.requestAttention();
            }
        });
        x86 = new X86Engine(mem, vcpus, 4096).attach(vcpu, cpu);
    }

    /** Runs until the exit port is written, a shutdown, a halt with nothing to wake it, or the budget ends. */
    Result run(long maxInstructions) {
        vcpu.bindToCurrentThread();
        long done = 0;
        while (done < maxInstructions && status < 0 && !cpu.shutdownRequested) {
            vcpus.processPendingWork(vcpu);
            x86.setSlice(Math.min(100_000, maxInstructions - done));
            long n = x86.run();
            done += n;
            if (n == 0 && (cpu.halted || cpu.shutdownRequested)) break;
        }
        return new Result(status, console.toString(), cpu.shutdownRequested, cpu.halted, done);
    }

    /** Assembles {@code source} with nasm ({@code scripts/setup} installs it) into a flat binary. */
    static byte[] assemble(Path source) throws IOException, InterruptedException {
        Path out = Path.of("target", "guest-asm", source.getFileName().toString().replace(".asm", ".bin"));
        Files.createDirectories(out.getParent());
        Path dir = source.toAbsolutePath().getParent();
        Process p = new ProcessBuilder("nasm", "-f", "bin", "-I", dir + "/", "-o", out.toString(), source.toString())
                .redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("nasm failed on " + source + ":\n" + log);
        }
        return Files.readAllBytes(out);
    }

    /** The guest sources: {@code src/test/asm} of this module. */
    static Path asmDir() {
        Path local = Path.of("src", "test", "asm");
        if (Files.isDirectory(local)) return local;
        return Path.of(System.getProperty("javelin.root", "."), "cpu-x86", "src", "test", "asm");
    }
}
