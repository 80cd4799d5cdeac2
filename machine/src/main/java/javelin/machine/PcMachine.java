package javelin.machine;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javelin.cpu.x86.CpuSocket;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.exec.X86Engine;
import javelin.cpu.x86.exec.X86Vcpu;
import javelin.cpu.x86.jit.JitCompiler;
import javelin.cpu.x86.mmu.PageWalker;
import javelin.devices.block.ImageOpenException;
import javelin.devices.block.IsoImage;
import javelin.devices.debug.DebugConsole;
import javelin.devices.debug.IsaDebugExit;
import javelin.devices.debug.PostCodeLogger;
import javelin.devices.display.Framebuffer;
import javelin.devices.input.KeyCode;
import javelin.devices.serial.SerialBackend;
import javelin.firmware.BiosImage;
import javelin.softmmu.HostDrivenClock;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.IrqLine;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.exec.VcpuSet;

/**
 * A PC: the board's chips ({@link PcBoard}), RAM with the legacy holes, the firmware ROM, the
 * debug devices QEMU offers (0xE9 console, isa-debug-exit, POST-code log), 1 to 16 vCPUs with
 * their local APICs, the virtual clock and the machine lock, and the loops that drive them.
 *
 * <p>Physical layout (as QEMU's {@code pc}): RAM at 0..0x9FFFF and 0x100000..end of RAM; the
 * VGA window at 0xA0000; 0xC0000..0xFFFFF under the i440FX PAM registers (the ROM view holds the
 * firmware's last 128 KiB at 0xE0000); the I/O APIC at 0xFEC00000, each vCPU's local APIC at
 * 0xFEE00000; the firmware again at the top of 4 GiB.
 *
 * <p>Threads (docs/architecture.md, "Threads"): the vCPUs run on {@link VcpuThreads} (one
 * thread each, or one round-robin thread). The thread that calls {@link #run()} becomes the
 * machine's I/O loop: with the machine lock held it runs the work other threads posted (input
 * events, media changes) and the timers that fell due, then sleeps until the next deadline.
 * Pause, resume and reset are applied by the I/O loop too, without the machine lock, with every
 * vCPU stopped in an exclusive section. Other threads use {@link MachineControl}.
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
    private static final long A20_ENABLED = 0xFFFF_FFFFL, A20_DISABLED = 0xFFEF_FFFFL;
    /** The unit of a page walk (SDM vol. 3, 4.3): 4 KiB, also inside larger pages. */
    private static final int PAGE_SIZE = 4096;
    /** Translation blocks kept before the engine flushes its whole code cache. */
    private static final int TB_CAPACITY = 1 << 16;
    /** The longest the I/O loop sleeps without a deadline (it is unparked for anything sooner). */
    private static final long IO_IDLE_NANOS = 10_000_000L;

    private final MachineConfig config;
    private final ReentrantLock lock = new ReentrantLock();
    private final HostDrivenClock clock = new HostDrivenClock();
    private final IoLoopClock deviceClock = new IoLoopClock(clock);
    private final PhysicalMemory mem;
    private final IoPortBus io;
    private final VcpuSet vcpuSet;
    /** The translation-block engine shared by every vCPU (docs/engine.md). */
    private final X86Engine engine;
    /** The engine's bytecode tier, or null ({@code -accel tcg,jit=off}). */
    private final JitCompiler jit;
    private final List<VirtualCpu> vcpus = new ArrayList<>();
    /** The bootstrap processor's state (vCPU 0). */
    private final CpuState cpu;
    /** A kernel started without firmware (Multiboot, -bios none), restarted on reset; else null. */
    private final BootFirmware.DirectStart directStart;
    private final PcBoard board;
    private final VcpuThreads threads;
    private final List<AutoCloseable> resources = new ArrayList<>();
    private final InstructionTrace trace;
    private final List<EventListener> listeners = new CopyOnWriteArrayList<>();
    /** Work posted by other threads, run by the I/O loop under the machine lock. */
    private final ConcurrentLinkedQueue<Runnable> posted = new ConcurrentLinkedQueue<>();
    /** Pause and resume, run by the I/O loop without the machine lock (they stop the vCPUs). */
    private final ConcurrentLinkedQueue<Runnable> control = new ConcurrentLinkedQueue<>();
    private volatile Thread ioThread;
    /** The first exception that ended a vCPU thread; {@link #run()} rethrows it. */
    private final java.util.concurrent.atomic.AtomicReference<Throwable> vcpuFailure =
            new java.util.concurrent.atomic.AtomicReference<>();
    private volatile boolean threadsStarted;
    private volatile int exitStatus = -1;
    /**
     * Why a reset was asked for, or null: a vCPU or device thread sets it (and stops every vCPU:
     * {@link VcpuThreads#requestStop}), the I/O loop serves it.
     */
    private final java.util.concurrent.atomic.AtomicReference<String> resetRequested =
            new java.util.concurrent.atomic.AtomicReference<>();
    private volatile boolean paused;
    private volatile RunState runState = RunState.PAUSED;

    private PcMachine(MachineConfig config, HostBackends host) {
        this.config = config;
        BootFirmware.Images firmware = BootFirmware.resolve(config);
        BiosImage bios = firmware.bios();
        this.mem = new PhysicalMemory(config.ramBytes(), EXTRA_BACKING, lock);
        this.io = new IoPortBus(lock);
        mem.mapRam(0, Math.min(config.ramBytes(), LOW_RAM_END), 0);
        if (config.ramBytes() > HIGH_RAM_START) {
            mem.mapRam(HIGH_RAM_START, config.ramBytes() - HIGH_RAM_START, HIGH_RAM_START);
        }
        if (bios != null) mem.loadRom(bios.highBase(), bios.bytes());
        int n = config.smp();
        this.vcpuSet = new VcpuSet(n);
        this.jit = config.jit().enabled() ? new JitCompiler(config.jit().threshold()) : null;
        this.engine = new X86Engine(mem, vcpuSet, TB_CAPACITY, jit);
        for (int i = 0; i < n; i++) {
            CpuSocket socket = new CpuSocket(mem, io);
            socket.clock = clock;
            X86Vcpu x86 = engine.attach(vcpuSet.get(i), new CpuState(i), socket);
            x86.setSlice(VcpuThreads.SLICE);
            vcpus.add(new VirtualCpu(i, x86));
        }
        this.cpu = vcpus.get(0).cpu;
        // TLB entries hold backing offsets: every vCPU flushes its own after a mapping change.
        mem.addMappingListener(() -> {
            for (VirtualCpu v : vcpus) onCpu(v, v.x86.mmu()::flushAll);
        });
        try {
            this.board = new PcBoard(config, mem, io, deviceClock, lock, vcpus.get(0).vcpu, vcpus, bios, host,
                    new PcBoard.Wiring() {
                        @Override public void a20Changed(boolean enabled) {
                            setA20(enabled);
                        }

                        @Override public void resetRequested() {
                            requestReset("reset request");
                        }
                    });
        } catch (RuntimeException e) {
            mem.close();
            throw e;
        }
        resources.add(board);
        for (VirtualCpu v : vcpus) {
            v.apic = board.lapics.get(v.index);
            v.socket.intr = VirtualCpu.lockedAcknowledge(v.apic, lock);
            // FERR# of the x87 reaches the PIC as IRQ 13 on a PC/AT (used when CR0.NE = 0). The CPU
            // drives it from its own thread: the wire takes the machine lock, and only on a change.
            v.socket.ferr = lockedLine(board.isaIrq(PcBoard.IRQ_FPU));
            // Round robin: a spinning vCPU (PAUSE) gives its turn to the one that holds the lock.
            if (config.threading() == MachineConfig.VcpuThreading.SINGLE && n > 1) v.socket.pauseHint = v.vcpu::requestAttention;
            var apic = v.apic;
            v.socket.apicBaseWritten = value -> {
                lock.lock();
                try {
                    apic.setGloballyEnabled((value & CpuState.APIC_BASE_ENABLE) != 0);
                } finally {
                    lock.unlock();
                }
            };
        }
        wireDebugDevices(host);
        this.directStart = BootFirmware.install(config, board.fwCfg, board.rtc, firmware);
        if (directStart != null) directStart.start(mem, vcpus.get(0).x86);
        this.trace = InstructionTrace.open(config);
        if (trace != null) {
            resources.add(trace);
            if (trace.tracesInstructions()) for (VirtualCpu v : vcpus) v.x86.setTracer(trace);
        }
        this.threads = new VcpuThreads(vcpus, vcpuSet, board.apicBus, new VcpuThreads.Host() {
            @Override public boolean stopping() {
                return exitStatus >= 0;
            }

            @Override public void shutdown(VirtualCpu v) {
                requestReset("triple fault on CPU " + v.index);
            }

            @Override public void failed(Throwable t) {
                vcpuFailure.compareAndSet(null, t);
                requestExit(1);
            }
        });
    }

    /**
     * Builds the machine {@code config} describes, its character devices and sound output opened
     * by {@code host} (the front end's {@link HostBackends}; {@link HostBackends#NONE} connects
     * nothing; tests give the guest's console their own back end).
     */
    public static PcMachine create(MachineConfig config, HostBackends host) {
        return new PcMachine(config, host);
    }

    /** A line a vCPU drives: changes reach the devices under the machine lock. */
    private IrqLine lockedLine(IrqLine line) {
        boolean[] level = {false};
        return high -> {
            if (high == level[0]) return;
            level[0] = high;
            lock.lock();
            try {
                line.setLevel(high);
            } finally {
                lock.unlock();
            }
        };
    }

    /**
     * Runs {@code work} on {@code v}'s thread: at once if that is the calling thread, if the
     * threads have not started, or inside an exclusive section (every vCPU is stopped); else
     * queued (run-on-cpu), to run before {@code v} executes its next instruction slice.
     */
    private void onCpu(VirtualCpu v, Runnable work) {
        if (!threadsStarted || v.vcpu.isOwnerThread() || vcpuSet.exclusive().heldByCurrentThread()) work.run();
        else vcpuSet.runOnCpu(v.vcpu, work);
    }

    /** The A20 gate changed: every vCPU's TLB holds A20-masked physical pages, so each flushes. */
    private void setA20(boolean enabled) {
        long mask = enabled ? A20_ENABLED : A20_DISABLED;
        for (VirtualCpu v : vcpus) {
            onCpu(v, () -> {
                if (v.cpu.a20Mask != mask) {
                    v.cpu.a20Mask = mask;
                    v.x86.mmu().flushAll();
                }
            });
        }
    }

    private void wireDebugDevices(HostBackends host) {
        if (config.debugcon() != null) {
            SerialBackend sink = host.chardev(HostBackends.CharDevice.DEBUGCON, config.debugcon());
            resources.add(sink);
            io.register(PORT_DEBUGCON, 1, new DebugConsole(output(sink)));
        }
        if (config.debugExit() != null) {
            io.register(config.debugExit().iobase(), config.debugExit().iosize(), new IsaDebugExit(this::requestExit));
        }
        if (config.postcode() != null) {
            SerialBackend sink = host.chardev(HostBackends.CharDevice.POSTCODE, config.postcode());
            resources.add(sink);
            PostCodeLogger post = new PostCodeLogger(new PrintStream(output(sink), true, StandardCharsets.US_ASCII));
            io.register(PORT_POST, 1, post);
            io.register(PORT_POST_ALT, 1, post);
        }
    }

    /** The byte stream a debug device writes, into its character device's back end. */
    private static OutputStream output(SerialBackend backend) {
        return new OutputStream() {
            @Override public void write(int b) {
                backend.transmit(b & 0xFF);
            }
        };
    }

    /** Ends the emulation with the given process status (isa-debug-exit, quit); any thread. */
    public void requestExit(int status) {
        if (exitStatus < 0) exitStatus = status;
        threads.kickAll();
        wakeIoLoop();
    }

    /** Asks the I/O loop for a system reset; any thread (a vCPU inside an I/O access, QMP). */
    private void requestReset(String why) {
        if (resetRequested.compareAndSet(null, why) && threads != null) threads.requestStop();
        wakeIoLoop();
    }

    private void wakeIoLoop() {
        Thread t = ioThread;
        if (t != null) LockSupport.unpark(t);
    }

    /**
     * Starts the vCPU threads and runs the machine's I/O loop on the calling thread until
     * something ends it; returns the exit status. The vCPU threads are joined before it returns;
     * an exception that ended one of them is rethrown here.
     */
    public int run() {
        ioThread = Thread.currentThread();
        deviceClock.setIoThread(ioThread);
        long started = System.nanoTime();
        clock.resume();
        runState = RunState.RUNNING;
        threadsStarted = true;
        threads.start(config.threading());
        try {
            while (exitStatus < 0) {
                String why = resetRequested.get();
                if (why != null) {
                    if (trace != null) trace.reset(why, cpu);
                    if (config.noReboot()) {
                        LOG.log(System.Logger.Level.DEBUG, "guest reset with -no-reboot: exiting");
                        fire(Event.SHUTDOWN);
                        exitStatus = 0;
                        break;
                    }
                    systemReset();
                    resetRequested.set(null);
                    threads.resumeAll();        // the stop the request made
                }
                for (Runnable r; (r = control.poll()) != null; ) r.run();
                lock.lock();
                try {
                    for (Runnable r; (r = posted.poll()) != null; ) r.run();
                    clock.runExpiredTimers();
                } finally {
                    lock.unlock();
                }
                if (exitStatus < 0 && posted.isEmpty() && control.isEmpty() && resetRequested.get() == null) idle();
            }
        } finally {
            if (exitStatus < 0) exitStatus = 0;
            threads.kickAll();
            threads.join();
            runState = RunState.SHUTDOWN;
            clock.pause();
        }
        if (trace != null) trace.stats(vcpus, System.nanoTime() - started, engine.stats().format() + jitStats());
        Throwable failure = vcpuFailure.get();
        if (failure instanceof RuntimeException e) throw e;
        if (failure instanceof Error e) throw e;
        return exitStatus;
    }

    /** The bytecode tier's {@code -d stats} lines, empty without it. */
    private String jitStats() {
        var jit = engine.jitStats();
        if (jit == null) return "";
        long compiled = 0, all = 0;
        for (VirtualCpu v : vcpus) {
            compiled += v.x86.retiredCompiled();
            all += v.x86.retired();
        }
        return jit.format(compiled, all);
    }

    /**
     * Whole-machine reset with every vCPU thread stopped between turns (as QEMU pauses all vCPUs
     * around qemu_system_reset): chips first (they re-drive A20 and IRQ lines), then every CPU
     * (APs back to wait-for-SIPI), then every translated block.
     */
    private void systemReset() {
        threads.stopAll();
        try {
            lock.lock();
            try {
                board.reset();
            } finally {
                lock.unlock();
            }
            for (VirtualCpu v : vcpus) {
                v.clearPins();
                v.x86.reset();
            }
            engine.flushAll();
            // A directly started kernel has no firmware to return to: reload and restart it, as QEMU does.
            if (directStart != null) directStart.start(mem, vcpus.get(0).x86);
        } finally {
            threads.resumeAll();
        }
        fire(Event.RESET);
    }

    /** Nothing to do: sleep until the next timer, or until posted work, a reset or an exit wakes us. */
    private void idle() {
        deviceClock.sleeping(Long.MAX_VALUE);
        long next = clock.nextDeadline();
        deviceClock.sleeping(next);
        long now = clock.nanos();
        long waitNanos = paused || next == Long.MAX_VALUE ? IO_IDLE_NANOS : Math.max(0, next - now);
        if (waitNanos > 0) LockSupport.parkNanos(this, Math.min(waitNanos, IO_IDLE_NANOS));
        deviceClock.awake();
    }

    private void post(Runnable work) {
        posted.add(work);
        wakeIoLoop();
    }

    private void postControl(Runnable work) {
        control.add(work);
        wakeIoLoop();
    }

    private void fire(Event e) {
        for (EventListener l : listeners) l.onEvent(e);
    }

    // ---- MachineControl ------------------------------------------------------------------

    @Override public RunState runState() {
        return runState;
    }

    /**
     * Asynchronous, as QMP's {@code stop}: returns at once; the I/O loop stops every vCPU thread
     * between turns, stops the clock, and only then reports {@link Event#STOP} and
     * {@link RunState#PAUSED}.
     */
    @Override public void pause() {
        postControl(() -> {
            if (paused || runState == RunState.SHUTDOWN) return;
            threads.stopAll();
            paused = true;
            clock.pause();
            runState = RunState.PAUSED;
            fire(Event.STOP);
        });
    }

    @Override public void resume() {
        postControl(() -> {
            if (!paused) return;
            clock.resume();
            paused = false;
            runState = RunState.RUNNING;
            threads.resumeAll();
            fire(Event.RESUME);
        });
    }

    @Override public void reset() {
        requestReset("system_reset");
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

    /** Every vCPU; read without stopping them, so a running machine gives a snapshot that may tear. */
    @Override public List<CpuInfo> cpus() {
        List<CpuInfo> out = new ArrayList<>();
        for (VirtualCpu v : vcpus) out.add(cpuInfo(v.index, v.cpu));
        return out;
    }

    private static CpuInfo cpuInfo(int index, CpuState cpu) {
        String mode = cpu.waitingForSipi ? "wait-for-sipi" : !cpu.protectedMode() ? "real" : cpu.v86Mode() ? "v86" : cpu.code32 ? "protected32" : "protected16";
        String regs = String.format("EAX=%08x EBX=%08x ECX=%08x EDX=%08x%nESI=%08x EDI=%08x EBP=%08x ESP=%08x%n"
                        + "EIP=%08x EFL=%08x CPL=%d%nCS=%04x SS=%04x DS=%04x ES=%04x FS=%04x GS=%04x%nCR0=%08x CR2=%08x CR3=%08x CR4=%08x%n",
                cpu.regs[CpuState.EAX], cpu.regs[CpuState.EBX], cpu.regs[CpuState.ECX], cpu.regs[CpuState.EDX],
                cpu.regs[CpuState.ESI], cpu.regs[CpuState.EDI], cpu.regs[CpuState.EBP], cpu.regs[CpuState.ESP],
                cpu.eip, cpu.getEflags(), cpu.cpl, cpu.segSel[CpuState.CS], cpu.segSel[CpuState.SS],
                cpu.segSel[CpuState.DS], cpu.segSel[CpuState.ES], cpu.segSel[CpuState.FS], cpu.segSel[CpuState.GS],
                cpu.cr0, cpu.cr2, cpu.cr3, cpu.cr4);
        return new CpuInfo(index, cpu.halted || cpu.waitingForSipi, mode, cpu.eip & 0xFFFF_FFFFL, regs);
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
                long pa = PageWalker.probe(cpu, mem, lin);
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
        if (jit != null) jit.close();
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "closing " + r + ": " + e.getMessage());
            }
        }
        mem.close();
    }

    // ---- Front-end statistics (status bar): lock-free reads of counters ---------------------

    /**
     * The interpreter's count is a plain field written by the vCPU thread; this read from another
     * thread may see a value a slice old, which a rate shown a few times a second tolerates
     * (64-bit reads are not torn on the 64-bit JVMs Javelin runs on).
     */
    @Override public long[] instructionsRetired() {
        long[] out = new long[vcpus.size()];
        for (int i = 0; i < out.length; i++) out[i] = vcpus.get(i).x86.retired();
        return out;
    }

    @Override public List<DriveActivity> driveActivity() {
        List<DriveActivity> out = new ArrayList<>();
        for (PcBoard.DriveSlot d : board.drives) {
            javelin.devices.ide.TransferCounter t = d.cdrom() != null ? d.cdrom().transfers() : d.disk().transfers();
            out.add(new DriveActivity(d.spec().deviceName(), d.cdrom() != null ? "cdrom" : "disk", t.bytesRead(), t.bytesWritten()));
        }
        return out;
    }
}
