package javelin.machine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javelin.devices.apic.ApicBus;
import javelin.softmmu.exec.VcpuSet;

/**
 * The host threads that run the vCPUs ({@code -accel tcg,thread=multi|single}).
 *
 * <p>multi: one platform thread per vCPU, named {@code vcpu-<i>}. single: one thread,
 * {@code vcpu-rr}, runs the vCPUs in turn, a slice each, as QEMU's round-robin TCG does.
 *
 * <p>One turn of a vCPU ({@link #turn}), all on its owner thread: serve its run-on-cpu work and
 * clear its exit request, apply the INIT/SIPI/NMI signals its APIC queued, and, if the core is
 * runnable (not waiting for SIPI, not halted without a wake-up), run one slice on its
 * {@code X86Vcpu}, which enters and leaves the engine's exec region itself. A vCPU with nothing to run
 * parks until it is kicked ({@code Vcpu.requestAttention}: interrupts, pins, work, stop, exit).
 *
 * <p>Stopping ({@link #stopAll}, QEMU's pause_all_vcpus): every thread parks at the top of its
 * loop, between turns, and the caller waits until all have. With every vCPU stopped there, the
 * caller may touch any CPU's state (reset, pause). Stops nest (a reset while paused).
 * [VT-1] A stopped thread runs no guest code, no queued work and no pin signal until
 * {@link #resumeAll}. [VT-2] {@link #stopAll} returns only when every thread is stopped or has
 * ended. {@code SmpMachineTest} and {@code PcMachinePauseTest} check both.
 */
final class VcpuThreads {
    /** Instructions per turn: ~0.1 ms of guest time at 100 MIPS; also the round-robin slice. */
    static final int SLICE = 10_000;
    /** Upper bound of a park, so a lost wake-up costs at most this much latency. */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** What a vCPU thread asks of the machine around it. */
    interface Host {
        /** The machine is ending: threads return. */
        boolean stopping();

        /** {@code v} shut down (triple fault); the machine resets or stops. */
        void shutdown(VirtualCpu v);

        /** A vCPU thread ended with an exception (an emulator bug): the machine must stop. */
        void failed(Throwable t);
    }

    private final List<VirtualCpu> cpus;
    private final VcpuSet vcpus;
    private final ApicBus apicBus;
    private final Host host;
    private final List<Thread> threads = new ArrayList<>();
    private final Object stopLock = new Object();
    /** Outstanding stop requests; written under stopLock. */
    private volatile int stopRequests;
    /** Threads parked in {@link #honourStop}; guarded by stopLock. */
    private int stoppedThreads;
    /** Threads started and not yet ended; guarded by stopLock. */
    private int liveThreads;

    VcpuThreads(List<VirtualCpu> cpus, VcpuSet vcpus, ApicBus apicBus, Host host) {
        this.cpus = List.copyOf(cpus);
        this.vcpus = vcpus;
        this.apicBus = apicBus;
        this.host = host;
    }

    void start(MachineConfig.VcpuThreading mode) {
        if (mode == MachineConfig.VcpuThreading.SINGLE) {
            threads.add(Thread.ofPlatform().name("vcpu-rr").unstarted(() -> body(this::roundRobin)));
        } else {
            for (VirtualCpu v : cpus) {
                threads.add(Thread.ofPlatform().name("vcpu-" + v.index).unstarted(() -> body(() -> own(v))));
            }
        }
        synchronized (stopLock) {
            liveThreads = threads.size();
        }
        for (Thread t : threads) t.start();
    }

    /** Kicks every vCPU (stop, exit). */
    void kickAll() {
        for (VirtualCpu v : cpus) v.vcpu.requestAttention();
    }

    /**
     * Asks every vCPU thread to stop at its next turn, without waiting: a vCPU that asks for a
     * system reset (port CF9h, 8042, triple fault) executes nothing more until the reset is done,
     * as on hardware. Undone by one {@link #resumeAll}.
     */
    void requestStop() {
        synchronized (stopLock) {
            stopRequests++;
        }
        kickAll();
    }

    /** [VT-2] Stops every vCPU thread between turns; returns when all are stopped (or ended). */
    void stopAll() {
        requestStop();
        synchronized (stopLock) {
            while (stoppedThreads < liveThreads) {
                try {
                    stopLock.wait();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Undoes one {@link #stopAll}; the threads run again when no stop is outstanding. */
    void resumeAll() {
        synchronized (stopLock) {
            if (stopRequests > 0) stopRequests--;
            stopLock.notifyAll();
        }
    }

    /** Wakes stopped threads so they see {@link Host#stopping()}, then waits for every thread to end. */
    void join() {
        synchronized (stopLock) {
            stopLock.notifyAll();
        }
        kickAll();
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
                if (t.isAlive()) {
                    System.getLogger(VcpuThreads.class.getName()).log(System.Logger.Level.WARNING, t.getName() + " did not stop");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void body(Runnable loop) {
        try {
            loop.run();
        } catch (RuntimeException | Error e) {
            host.failed(e);
        } finally {
            synchronized (stopLock) {
                liveThreads--;
                stopLock.notifyAll();
            }
        }
    }

    /** thread=multi: this thread owns {@code v}. */
    private void own(VirtualCpu v) {
        v.bindThread();
        apicBus.bindCurrentThread(v.apic);
        while (!host.stopping()) {
            honourStop();
            if (host.stopping()) return;
            if (!turn(v)) park();
        }
    }

    /** thread=single: this thread owns every vCPU and runs them in turn. */
    private void roundRobin() {
        for (VirtualCpu v : cpus) v.bindThread();
        while (!host.stopping()) {
            boolean ran = false;
            for (VirtualCpu v : cpus) {
                honourStop();
                if (host.stopping()) return;
                apicBus.bindCurrentThread(v.apic);      // the APIC page is the running vCPU's
                ran |= turn(v);
            }
            if (!ran) park();
        }
    }

    /** [VT-1] Parks while a stop is outstanding. */
    private void honourStop() {
        if (stopRequests == 0) return;
        synchronized (stopLock) {
            stoppedThreads++;
            stopLock.notifyAll();
            try {
                while (stopRequests > 0 && !host.stopping()) stopLock.wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                stoppedThreads--;
            }
        }
    }

    /** One turn of {@code v}; returns whether it ran guest code (false: nothing to do, may park). */
    private boolean turn(VirtualCpu v) {
        vcpus.processPendingWork(v.vcpu);    // clears the exit request first: a later kick is not lost
        v.applyPins();
        if (v.cpu.shutdownRequested) {
            host.shutdown(v);
            return false;
        }
        if (!v.runnable()) return false;
        v.x86.run();                          // a slice of SLICE instructions (X86Vcpu.setSlice)
        if (v.cpu.shutdownRequested) host.shutdown(v);
        return true;
    }

    /** Sleeps until a kick unparks this thread (a kick before the park is not lost: unpark's permit). */
    private void park() {
        LockSupport.parkNanos(this, MAX_PARK_NANOS);
    }
}
