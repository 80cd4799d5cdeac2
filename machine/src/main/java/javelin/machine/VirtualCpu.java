package javelin.machine;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javelin.cpu.x86.CpuSocket;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.exec.X86Vcpu;
import javelin.devices.apic.CpuPins;
import javelin.devices.apic.LocalApic;
import javelin.softmmu.InterruptSource;
import javelin.softmmu.exec.Vcpu;

/**
 * One vCPU of the PC: the engine's vCPU ({@link X86Vcpu}: architectural state, socket, MMU,
 * interpreter and run loop), the engine's {@link Vcpu} (exit request, run-on-cpu queue) and the
 * pins between the core and its local APIC.
 *
 * <p>Threading: the APIC calls the {@link CpuPins} methods from any thread with the machine lock
 * held. They only queue the signal and kick the vCPU; the owner applies the queued INIT,
 * startup and NMI signals in order ({@link #applyPins}) between its turns, so a CPU's state is
 * only changed by its own thread, or by the I/O loop while every vCPU thread is stopped. INIT followed at once by a
 * startup IPI (SeaBIOS sends them back to back) is therefore applied in that order.
 */
final class VirtualCpu implements CpuPins {
    /** Pin signals in the queue: a startup IPI is its vector (0..255). */
    private static final int SIGNAL_INIT = -1, SIGNAL_NMI = -2;

    final int index;
    final X86Vcpu x86;
    final CpuState cpu;
    /** What the core is plugged into: the board wires INTR, FERR#, the clock and the APIC base hook here. */
    final CpuSocket socket;
    final Vcpu vcpu;
    /** Set by the board once the APIC exists (the APIC needs these pins to be built). */
    LocalApic apic;
    private final ConcurrentLinkedQueue<Integer> signals = new ConcurrentLinkedQueue<>();
    /** The host thread running this vCPU (shared by every vCPU with thread=single). */
    private volatile Thread thread;

    VirtualCpu(int index, X86Vcpu x86) {
        this.index = index;
        this.x86 = x86;
        this.cpu = x86.cpu();
        this.socket = x86.socket();
        this.vcpu = x86.vcpu();
        // An exit request also wakes the thread from a halt.
        vcpu.setWakeUp(() -> {
            Thread t = thread;
            if (t != null) LockSupport.unpark(t);
        });
    }

    /** The interrupt source the core polls: its APIC, acknowledged under the machine lock ([APIC-1]). */
    static InterruptSource lockedAcknowledge(InterruptSource apic, ReentrantLock machineLock) {
        return new InterruptSource() {
            @Override public boolean interruptPending() {
                return apic.interruptPending();         // lock-free by contract ([APIC-2])
            }

            @Override public int acknowledgeInterrupt() {
                machineLock.lock();
                try {
                    return apic.acknowledgeInterrupt();
                } finally {
                    machineLock.unlock();
                }
            }
        };
    }

    /** Called on the thread that will run this vCPU, before it runs guest code. */
    void bindThread() {
        thread = Thread.currentThread();
        vcpu.bindToCurrentThread();
    }

    // ---- CpuPins (machine lock held, any thread) ----

    @Override public void init() {
        signals.add(SIGNAL_INIT);
        vcpu.requestAttention();
    }

    @Override public void startup(int vector) {
        signals.add(vector & 0xFF);
        vcpu.requestAttention();
    }

    @Override public void nmi() {
        signals.add(SIGNAL_NMI);
        vcpu.requestAttention();
    }

    @Override public void wake() {
        vcpu.requestAttention();
    }

    /** Owner thread, between turns: applies the queued pin signals in arrival order. */
    void applyPins() {
        for (Integer s; (s = signals.poll()) != null; ) {
            switch (s) {
                case SIGNAL_INIT -> x86.init();
                case SIGNAL_NMI -> cpu.nmiPending = true;
                default -> cpu.startup(s);          // ignored unless waiting for SIPI
            }
        }
    }

    /** A machine reset drops signals sent before it (the owner thread is stopped). */
    void clearPins() {
        signals.clear();
    }

    /**
     * Whether the core has anything to execute: not waiting for SIPI, not shut down, and not
     * halted unless an NMI or an enabled interrupt would wake it.
     */
    boolean runnable() {
        if (cpu.waitingForSipi || cpu.shutdownRequested) return false;
        if (!cpu.halted) return true;
        return cpu.nmiPending || ((cpu.eflagsRest & CpuState.IF) != 0 && socket.intr.interruptPending());
    }
}
