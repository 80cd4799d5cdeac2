package javelin.machine;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.exec.X86Engine;
import javelin.cpu.x86.exec.X86Vcpu;
import javelin.cpu.x86.system.PageWalker;
import javelin.devices.block.ImageOpenException;
import javelin.devices.block.IsoImage;
import javelin.devices.debug.DebugConsole;
import javelin.devices.debug.IsaDebugExit;
import javelin.devices.debug.PostCodeLogger;
import javelin.devices.display.Framebuffer;
import javelin.devices.input.KeyCode;
import javelin.devices.serial.SerialBackend;
import java.util.function.Function;
import javelin.softmmu.HostDrivenClock;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.exec.Vcpu;
import javelin.softmmu.exec.VcpuSet;

/**
 * A PC: the board's chips ({@link PcBoard}), RAM with the legacy holes, the firmware ROM, the
 * debug devices QEMU offers (0xE9 console, isa-debug-exit, POST-code log), one vCPU, the
 * virtual clock and the machine lock, and the run loop that drives them.
 *
 * <p>Physical layout (as QEMU's {@code pc}): RAM at 0..0x9FFFF and 0x100000..end of RAM; the
 * VGA window at 0xA0000; 0xC0000..0xFFFFF under the i440FX PAM registers (the ROM view holds the
 * firmware's last 128 KiB at 0xE0000); the firmware again at the top of 4 GiB.
 *
 * <p>Threads: the vCPU thread runs {@link #run()}: instructions in slices, and between slices
 * the due timers (with the machine lock held) and requests from other threads (pause, reset,
 * input events), which are queued and applied there so devices are only ever touched under the
 * lock. Other threads use {@link MachineControl}.
 */
public final class PcMachine implements MachineControl, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PcMachine.class.getName());
    /** Backing reserved beyond RAM: firmware (up to 16 MiB), shadow ROM window, 16 MiB video memory. */
    private static final long EXTRA_BACKING = 48L << 20;
    static final long LOW_RAM_END = 0xA0000;
    static final long HIGH_RAM_START = 0x10_0000;
    static final int PORT_DEBUGCON = 0xE9;
    static final int PORT_POST = 0x80;
    static final int PORT_POST_ALT = 0x190;
    /** Translation blocks kept before the engine flushes its whole code cache. */
    private static final int TB_CAPACITY = 1 << 16;
    private static final long A20_ENABLED = 0xFFFF_FFFFL, A20_DISABLED = 0xFFEF_FFFFL;
    /** The unit of a page walk (SDM vol. 3, 4.3): 4 KiB, also inside larger pages. */
    private static final int PAGE_SIZE = 4096;

    private final MachineConfig config;
    private final ReentrantLock lock = new ReentrantLock();
    private final HostDrivenClock clock = new HostDrivenClock();
    private final PhysicalMemory mem;
    private final IoPortBus io;
    private final CpuState cpu;
    private final VcpuSet vcpus = new VcpuSet(1);
    private final Vcpu vcpu = vcpus.get(0);
    /** The translation-block engine (invalidated by stores into code, flushed by remaps). */
    private final X86Engine engine;
    /** Runs a slice of X86Vcpu.DEFAULT_SLICE instructions per call, then the loop runs the timers. */
    private final X86Vcpu x86;
    /** A kernel started without firmware (Multiboot, -bios none), restarted on reset; else null. */
    private final BootFirmware.DirectStart directStart;
    private final PcBoard board;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final InstructionTrace trace;
    private final List<EventListener> listeners = new CopyOnWriteArrayList<>();
    /** Work posted by other threads, run by the vCPU thread under the machine lock. */
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> posted = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile Thread vcpuThread;
    private volatile int exitStatus = -1;
    private volatile boolean resetRequested;
    private volatile boolean paused;
    private volatile RunState runState = RunState.PAUSED;

    private PcMachine(MachineConfig config, Function<String, SerialBackend> serialBackends) {
        this.config = config;
        if (config.smp() > 1) {
            throw new MachineConfigException("-smp " + config.smp() + ": only one vCPU until the multi-threaded engine exists");
        }
        BootFirmware.Images firmware = BootFirmware.resolve(config);
        BiosImage bios = firmware.bios();
        this.mem = new PhysicalMemory(config.ramBytes(), EXTRA_BACKING, lock);
        this.io = new IoPortBus(lock);
        mem.mapRam(0, Math.min(config.ramBytes(), LOW_RAM_END), 0);
        if (config.ramBytes() > HIGH_RAM_START) {
            mem.mapRam(HIGH_RAM_START, config.ramBytes() - HIGH_RAM_START, HIGH_RAM_START);
        }
        if (bios != null) mem.loadRom(bios.highBase(), bios.bytes());
        this.cpu = new CpuState(mem, io, 0);
        cpu.clock = clock;
        mem.addMappingListener(cpu.mmu::flushAll);
        try {
            this.board = new PcBoard(config, mem, io, clock, this::wakeVcpu, bios, serialBackends, new PcBoard.Wiring() {
                @Override public void a20Changed(boolean enabled) {
                    setA20(enabled);
                }

                @Override public void resetRequested() {
                    requestReset();
                }
            });
        } catch (RuntimeException e) {
            mem.close();
            throw e;
        }
        resources.add(board);
        cpu.intr = board.pic;
        // FERR# of the x87 reaches the PIC as IRQ 13 on a PC/AT (used when CR0.NE = 0).
        cpu.ferr = board.pic.irq(PcBoard.IRQ_FPU);
        wireDebugDevices();
        this.directStart = BootFirmware.install(config, board.fwCfg, board.rtc, firmware);
        if (directStart != null) directStart.start(mem, cpu);
        this.engine = new X86Engine(mem, vcpus, TB_CAPACITY);
        this.x86 = engine.attach(vcpu, cpu);
        vcpu.setWakeUp(() -> {
            Thread t = vcpuThread;
            if (t != null) LockSupport.unpark(t);
        });
        this.trace = InstructionTrace.open(config, x86);
        if (trace != null) resources.add(trace);
    }

    public static PcMachine create(MachineConfig config) {
        return new PcMachine(config, SerialBackends::open);
    }

    /**
     * A machine whose serial ports get their back ends from {@code serialBackends} (given each
     * {@code -serial} spec): for front ends with back ends of their own (TCP, unix sockets) and
     * for tests that talk to the guest's console.
     */
    public static PcMachine create(MachineConfig config, Function<String, SerialBackend> serialBackends) {
        return new PcMachine(config, serialBackends);
    }

    private void setA20(boolean enabled) {
        long mask = enabled ? A20_ENABLED : A20_DISABLED;
        if (cpu == null) return;
        Runnable change = () -> {
            if (cpu.a20Mask != mask) {
                cpu.a20Mask = mask;
                cpu.mmu.flushAll();     // TLB entries hold A20-masked physical pages
            }
        };
        if (x86 != null) x86.runOnOwner(change);
        else change.run();
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

    /** Ends the emulation with the given process status (isa-debug-exit, quit). */
    public void requestExit(int status) {
        exitStatus = status;
        cpu.exitRequested = true;
        wakeVcpu();
    }

    private void requestReset() {
        resetRequested = true;
        cpu.exitRequested = true;
        wakeVcpu();
    }

    /** Makes the vCPU leave its block loop (and wakes it from a halt): interrupts, requests. */
    private void wakeVcpu() {
        vcpu.requestAttention();
    }

    /** Runs the machine on the calling thread until something ends it; returns the exit status. */
    public int run() {
        vcpuThread = Thread.currentThread();
        vcpu.bindToCurrentThread();
        long started = System.nanoTime();
        clock.resume();
        runState = RunState.RUNNING;
        while (exitStatus < 0) {
            vcpus.processPendingWork(vcpu);
            if (!paused) x86.run();
            cpu.exitRequested = exitStatus >= 0;
            if (cpu.shutdownRequested || resetRequested) {
                String why = cpu.shutdownRequested ? "triple fault" : "reset request";
                cpu.shutdownRequested = false;
                resetRequested = false;
                if (trace != null) trace.reset(why, cpu);
                if (config.noReboot()) {
                    LOG.log(System.Logger.Level.DEBUG, "guest reset with -no-reboot: exiting");
                    fire(Event.SHUTDOWN);
                    exitStatus = 0;
                    break;
                }
                systemReset();
            }
            lock.lock();
            try {
                for (Runnable r; (r = posted.poll()) != null; ) r.run();
                clock.runExpiredTimers();
            } finally {
                lock.unlock();
            }
            if ((cpu.halted || paused) && exitStatus < 0 && posted.isEmpty() && !resetRequested) idle();
        }
        runState = RunState.SHUTDOWN;
        clock.pause();
        if (trace != null) trace.stats(x86.retired(), System.nanoTime() - started, engine.stats());
        return exitStatus;
    }

    /** Whole-machine reset: chips first (they re-drive A20 and IRQ lines), then the CPU. */
    private void systemReset() {
        lock.lock();
        try {
            board.reset();
        } finally {
            lock.unlock();
        }
        cpu.reset();
        engine.flushAll();
        // A directly started kernel has no firmware to return to: reload and restart it, as QEMU does.
        if (directStart != null) directStart.start(mem, cpu);
        fire(Event.RESET);
    }

    /** Nothing to run: sleep until the next timer, a posted request, or an interrupt wakes us. */
    private void idle() {
        long next = clock.nextDeadline();
        long now = clock.nanos();
        long waitNanos = paused || next == Long.MAX_VALUE ? 10_000_000L : Math.max(0, next - now);
        if (waitNanos > 0) LockSupport.parkNanos(Math.min(waitNanos, 10_000_000L));
    }

    private void post(Runnable work) {
        posted.add(work);
        cpu.exitRequested = true;
        wakeVcpu();
    }

    private void fire(Event e) {
        for (EventListener l : listeners) l.onEvent(e);
    }

    // ---- MachineControl ------------------------------------------------------------------

    @Override public RunState runState() {
        return runState;
    }

    @Override public void pause() {
        post(() -> {
            if (paused || runState == RunState.SHUTDOWN) return;
            paused = true;
            clock.pause();
            runState = RunState.PAUSED;
            fire(Event.STOP);
        });
    }

    @Override public void resume() {
        post(() -> {
            if (!paused) return;
            paused = false;
            clock.resume();
            runState = RunState.RUNNING;
            fire(Event.RESUME);
        });
    }

    @Override public void reset() {
        requestReset();
    }

    @Override public void powerButton() {
        // No ACPI power button exists yet (no PIIX4 PM): the event is reported, the guest sees nothing.
        fire(Event.POWERDOWN);
    }

    @Override public void quit() {
        fire(Event.SHUTDOWN);
        requestExit(0);
    }

    @Override public void addEventListener(EventListener listener) {
        listeners.add(listener);
    }

    @Override public Framebuffer framebuffer() {
        return board.framebuffer;
    }

    @Override public List<String> screenText() {
        lock.lock();
        try {
            return board.renderer.screenText();
        } finally {
            lock.unlock();
        }
    }

    @Override public void keyEvent(KeyCode key, boolean pressed) {
        post(() -> {
            if (pressed) board.i8042.pressKey(key);
            else board.i8042.releaseKey(key);
        });
    }

    @Override public void mouseEvent(int dx, int dy, int dz, int buttons) {
        post(() -> board.i8042.mouseMove(dx, dy, dz, buttons));
    }

    @Override public List<CpuInfo> cpus() {
        String mode = !cpu.protectedMode() ? "real" : cpu.v86Mode() ? "v86" : cpu.code32 ? "protected32" : "protected16";
        String regs = String.format("EAX=%08x EBX=%08x ECX=%08x EDX=%08x%nESI=%08x EDI=%08x EBP=%08x ESP=%08x%n"
                        + "EIP=%08x EFL=%08x CPL=%d%nCS=%04x SS=%04x DS=%04x ES=%04x FS=%04x GS=%04x%nCR0=%08x CR2=%08x CR3=%08x CR4=%08x%n",
                cpu.regs[CpuState.EAX], cpu.regs[CpuState.EBX], cpu.regs[CpuState.ECX], cpu.regs[CpuState.EDX],
                cpu.regs[CpuState.ESI], cpu.regs[CpuState.EDI], cpu.regs[CpuState.EBP], cpu.regs[CpuState.ESP],
                cpu.eip, cpu.getEflags(), cpu.cpl, cpu.segSel[CpuState.CS], cpu.segSel[CpuState.SS],
                cpu.segSel[CpuState.DS], cpu.segSel[CpuState.ES], cpu.segSel[CpuState.FS], cpu.segSel[CpuState.GS],
                cpu.cr0, cpu.cr2, cpu.cr3, cpu.cr4);
        return List.of(new CpuInfo(0, cpu.halted, mode, cpu.eip & 0xFFFF_FFFFL, regs));
    }

    @Override public List<BlockInfo> blockDevices() {
        List<BlockInfo> out = new ArrayList<>();
        for (PcBoard.DriveSlot d : board.drives) {
            boolean cd = d.cdrom() != null;
            out.add(new BlockInfo(d.spec().deviceName(), cd ? "cdrom" : "disk", cd, cd || d.spec().readOnly(), d.spec().file()));
        }
        return out;
    }

    @Override public void eject(String device) {
        PcBoard.DriveSlot d = cdrom(device);
        post(() -> d.cdrom().eject());
    }

    @Override public void changeMedium(String device, Path image) {
        PcBoard.DriveSlot d = cdrom(device);
        IsoImage iso;
        try {
            iso = IsoImage.open(image);
        } catch (ImageOpenException e) {
            throw new MachineConfigException(e.getMessage(), e);
        }
        post(() -> d.cdrom().insert(iso));
    }

    private PcBoard.DriveSlot cdrom(String device) {
        for (PcBoard.DriveSlot d : board.drives) {
            if (d.spec().deviceName().equals(device)) {
                if (d.cdrom() == null) throw new MachineConfigException("device '" + device + "' is not removable");
                return d;
            }
        }
        throw new MachineConfigException("no device '" + device + "'");
    }

    @Override public byte[] readPhysical(long address, int length) {
        byte[] out = new byte[length];
        mem.readBytes(address, out, 0, length);
        return out;
    }

    /**
     * Walks with {@link PageWalker#probe} under the machine lock, page by page, so a range that
     * crosses into an unmapped page is refused whole. The vCPU may change CR3 meanwhile when
     * running; a paused machine gives a consistent answer.
     */
    @Override public Optional<byte[]> readVirtual(long address, int length) {
        byte[] out = new byte[length];
        lock.lock();
        try {
            int done = 0;
            while (done < length) {
                int lin = (int) (address + done);        // linear addresses wrap at 4 GiB
                long pa = PageWalker.probe(cpu, lin);
                if (pa < 0) return Optional.empty();
                int chunk = Math.min(length - done, PAGE_SIZE - (lin & (PAGE_SIZE - 1)));
                mem.readBytes(pa, out, done, chunk);
                done += chunk;
            }
        } finally {
            lock.unlock();
        }
        return Optional.of(out);
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
                LOG.log(System.Logger.Level.WARNING, "closing " + r + ": " + e.getMessage());
            }
        }
        mem.close();
    }

}
