package javelin.cpu.x86;

import java.util.function.LongConsumer;
import javelin.softmmu.InterruptSource;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.IrqLine;
import javelin.softmmu.ManualClock;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.VirtualClock;

/**
 * What one processor is plugged into: the board's side of its socket. A P6 reaches the rest of
 * the PC only through its package: the memory and I/O buses, the INTR pin with its interrupt
 * acknowledge cycle, the FERR# output, and the bus clock its time-stamp counter counts. Two
 * hooks complete it: IA32_APIC_BASE writes (the local APIC sits on the die of a P6 but is a
 * device here, which the CPU may not import), and the PAUSE hint, a scheduling hint for a host
 * that runs several vCPUs on one thread.
 *
 * <p>None of this is architectural state, so none of it is in {@link CpuState} or its
 * snapshot: a snapshot is restored into a CPU plugged into a board that already exists. The
 * vCPU that runs the CPU owns its socket ({@code javelin.cpu.x86.exec.X86Vcpu}); a lone
 * interpreter is given one.
 *
 * <p>Threading: the board sets the fields before the vCPU's thread starts (the thread start
 * publishes them); afterwards only that thread reads them. The objects behind them document
 * their own threading.
 */
public final class CpuSocket {
    /** The memory bus: guest physical memory, which the MMU reads and writes. */
    public final PhysicalMemory mem;
    /** The I/O bus: IN, OUT, INS, OUTS. */
    public final IoPortBus io;
    /** The INTR pin and its acknowledge cycle (the local APIC, or the 8259A). */
    public InterruptSource intr = InterruptSource.NONE;
    /** FERR#: asserted while an unmasked x87 exception is reported with CR0.NE = 0; a PC wires it to IRQ13. */
    public IrqLine ferr = IrqLine.NONE;
    /** The machine's virtual clock, which RDTSC and the IA32_TSC MSR read (one tick per nanosecond). */
    public VirtualClock clock = new ManualClock();
    /**
     * Called after every WRMSR to IA32_APIC_BASE with the new value, on the vCPU's thread: the
     * board forwards bit 11 (global enable) to the local APIC.
     */
    public LongConsumer apicBaseWritten = value -> { };
    /**
     * Called on the vCPU's thread by PAUSE (F3 90), the spin-wait hint. A machine that runs
     * several vCPUs on one thread (round robin) ends the turn there so the vCPU that holds the
     * lock being spun on can run, as QEMU's helper_pause does.
     */
    public Runnable pauseHint = () -> { };

    public CpuSocket(PhysicalMemory mem, IoPortBus io) {
        this.mem = mem;
        this.io = io;
    }
}
