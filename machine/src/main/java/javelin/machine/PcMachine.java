package javelin.machine;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.interp.Interpreter;
import javelin.devices.debug.DebugConsole;
import javelin.devices.debug.IsaDebugExit;
import javelin.devices.debug.PostCodeLogger;
import javelin.softmmu.HostDrivenClock;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.PhysicalMemory;

/**
 * The PC board, as far as it exists: RAM with the legacy holes, the firmware ROM, the debug
 * devices QEMU offers (0xE9 console, isa-debug-exit, POST-code log), one vCPU, the virtual
 * clock and the machine lock. Later issues add the chipset devices here.
 *
 * <p>Physical layout (as QEMU's {@code pc}): RAM at 0..0x9FFFF and 0x100000..end of RAM; the
 * firmware at the top of 4 GiB, its last 128 KiB also at 0xE0000..0xFFFFF; 0xC0000..0xDFFFF is
 * RAM (where option ROMs are shadowed) until the i440FX PAM registers take over.
 */
public final class PcMachine implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PcMachine.class.getName());
    /** Backing reserved beyond RAM for ROMs and video memory. */
    private static final long EXTRA_BACKING = 64L << 20;
    static final long LOW_RAM_END = 0xA0000;
    static final long HIGH_RAM_START = 0x10_0000;
    static final int PORT_DEBUGCON = 0xE9;
    static final int PORT_POST = 0x80;
    static final int PORT_POST_ALT = 0x190;
    /** Instructions per run-loop slice between checks of timers and exit requests. */
    private static final int SLICE = 20_000;

    private final MachineConfig config;
    private final ReentrantLock lock = new ReentrantLock();
    private final HostDrivenClock clock = new HostDrivenClock();
    private final PhysicalMemory mem;
    private final IoPortBus io;
    private final CpuState cpu;
    private final Interpreter interpreter;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final InstructionTrace trace;
    private volatile int exitStatus = -1;

    private PcMachine(MachineConfig config) {
        this.config = config;
        BiosImage bios = config.bios() == null ? null : BiosImage.load(config.bios());
        if (bios == null) {
            throw new MachineConfigException("no firmware: give a raw ROM image with -bios FILE "
                    + "(the default SeaBIOS firmware arrives with the boot issue)");
        }
        this.mem = new PhysicalMemory(config.ramBytes(), EXTRA_BACKING, lock);
        this.io = new IoPortBus(lock);
        mapRam(bios);
        mem.loadRom(bios.highBase(), bios.bytes());
        byte[] legacy = java.util.Arrays.copyOfRange(bios.bytes(), bios.bytes().length - bios.legacySize(), bios.bytes().length);
        mem.loadRom(bios.legacyBase(), legacy);
        wireDebugDevices();
        this.cpu = new CpuState(mem, io, 0);
        this.interpreter = new Interpreter(cpu);
        this.trace = InstructionTrace.open(config, interpreter);
        if (trace != null) resources.add(trace);
        mem.addMappingListener(cpu.mmu::flushAll);
    }

    public static PcMachine create(MachineConfig config) {
        return new PcMachine(config);
    }

    private void mapRam(BiosImage bios) {
        long ram = config.ramBytes();
        mem.mapRam(0, Math.min(ram, LOW_RAM_END), 0);
        if (ram > 0xC0000) {
            long shadowEnd = Math.min(ram, bios.legacyBase());
            if (shadowEnd > 0xC0000) mem.mapRam(0xC0000, shadowEnd - 0xC0000, 0xC0000);
        }
        if (ram > HIGH_RAM_START) mem.mapRam(HIGH_RAM_START, ram - HIGH_RAM_START, HIGH_RAM_START);
    }

    private void wireDebugDevices() {
        if (config.debugcon() != null) {
            OutputStream sink = config.debugcon().open();
            resources.add(sink);
            io.register(PORT_DEBUGCON, 1, new DebugConsole(sink));
        }
        if (config.debugExit() != null) {
            io.register(config.debugExit().iobase(), config.debugExit().iosize(), new IsaDebugExit(this::requestExit));
        }
        if (config.postcode() != null) {
            OutputStream sink = config.postcode().open();
            resources.add(sink);
            PostCodeLogger post = new PostCodeLogger(new PrintStream(sink, true, StandardCharsets.US_ASCII));
            io.register(PORT_POST, 1, post);
            io.register(PORT_POST_ALT, 1, post);
        }
    }

    /** Ends the emulation with the given process status (isa-debug-exit, power off). */
    public void requestExit(int status) {
        exitStatus = status;
        cpu.exitRequested = true;
    }

    /** Runs the machine until something ends it; returns the process exit status. */
    public int run() {
        clock.resume();
        while (exitStatus < 0) {
            interpreter.run(SLICE);
            cpu.exitRequested = exitStatus >= 0;
            if (cpu.shutdownRequested) {
                cpu.shutdownRequested = false;
                if (trace != null) trace.reset("triple fault", cpu);
                if (config.noReboot()) {
                    LOG.log(System.Logger.Level.DEBUG, "guest reset with -no-reboot: exiting");
                    return 0;
                }
                LOG.log(System.Logger.Level.INFO, "guest triple fault: resetting");
                cpu.reset();
            }
            lock.lock();
            try {
                clock.runExpiredTimers();
            } finally {
                lock.unlock();
            }
            if (cpu.halted && exitStatus < 0) waitWhileHalted();
        }
        return exitStatus;
    }

    /** A halted CPU with nothing to wake it: sleep until the next timer or a wake-up. */
    private void waitWhileHalted() {
        long next = clock.nextDeadline();
        long waitNanos = next == Long.MAX_VALUE ? 10_000_000L : Math.max(0, next - clock.nanos());
        java.util.concurrent.locks.LockSupport.parkNanos(Math.min(waitNanos, 10_000_000L));
    }

    public CpuState cpu() {
        return cpu;
    }

    public PhysicalMemory memory() {
        return mem;
    }

    @Override public void close() {
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                if (e instanceof IOException io) throw new UncheckedIOException(io);
            }
        }
        mem.close();
    }
}
