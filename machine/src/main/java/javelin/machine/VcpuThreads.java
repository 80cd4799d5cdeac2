package javelin.machine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import javelin.devices.apic.ApicBus;
import javelin.softmmu.exec.ExclusiveSection;
import javelin.softmmu.exec.VcpuSet;

/**
 * The host threads that run the vCPUs ({@code -accel tcg,thread=multi|single}).
 *
 * <p>multi: one platform thread per vCPU, named {@code vcpu-<i>}. single: one thread,
 * {@code vcpu-rr}, runs the vCPUs in turn, a slice of {@link #SLICE} instructions each, as
 * QEMU's round-robin TCG does with its kick timer.
 *
 * <p>One turn of a vCPU ({@link #turn}): serve its run-on-cpu work and clear its exit request
 * (outside the exec region), then inside the exec region ({@link ExclusiveSection#execStart}):
 * apply the INIT/SIPI/NMI signals its APIC queued, and run a slice if the core is runnable (not
 * waiting for SIPI, not halted without a wake-up, not paused). Everything that touches a CPU's
 * state happens either in its exec region or in work the engine queued to it, so an exclusive
 * section (reset, pause, code flush) sees every CPU at rest. A vCPU with nothing to run parks
 * until it is kicked ({@code Vcpu.requestAttention}: interrupts, pins, work, pause, exit).
 */
final class VcpuThreads {
    /** Instructions per turn: ~0.1 ms of guest time at 100 MIPS; also the round-robin slice. */
    static final int SLICE = 10_000;
    /** Upper bound of a park, so a lost wake-up costs at most this much latency. */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    /** What a vCPU thread asks of the machine around it. */
    interface Host {
        /** The machine is paused: run nothing. */
        boolean paused();

        /** The machine is ending: threads return. */
        boolean stopping();

        /** {@code v} shut down (triple fault); the machine resets or stops. */
        void shutdown(VirtualCpu v);
    }

    private final List<VirtualCpu> cpus;
    private final VcpuSet vcpus;
    private final ApicBus apicBus;
    private final Host host;
    private final List<Thread> threads = new ArrayList<>();

    VcpuThreads(List<VirtualCpu> cpus, VcpuSet vcpus, ApicBus apicBus, Host host) {
        this.cpus = List.copyOf(cpus);
        this.vcpus = vcpus;
        this.apicBus = apicBus;
        this.host = host;
    }

    void start(MachineConfig.VcpuThreading mode) {
        if (mode == MachineConfig.VcpuThreading.SINGLE) {
            threads.add(Thread.ofPlatform().name("vcpu-rr").unstarted(this::roundRobin));
        } else {
            for (VirtualCpu v : cpus) threads.add(Thread.ofPlatform().name("vcpu-" + v.index).unstarted(() -> own(v)));
        }
        for (Thread t : threads) t.start();
    }

    /** Kicks every vCPU (pause, exit). */
    void kickAll() {
        for (VirtualCpu v : cpus) v.vcpu.requestAttention();
    }

    /** Waits for every thread to end (after {@link Host#stopping()} turned true and a kick). */
    void join() {
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(10));
                if (t.isAlive()) System.getLogger(VcpuThreads.class.getName()).log(System.Logger.Level.WARNING, t.getName() + " did not stop");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** thread=multi: this thread owns {@code v}. */
    private void own(VirtualCpu v) {
        v.bindThread();
        apicBus.bindCurrentThread(v.apic);
        while (!host.stopping()) {
            if (!turn(v)) park();
        }
    }

    /** thread=single: this thread owns every vCPU and runs them in turn. */
    private void roundRobin() {
        for (VirtualCpu v : cpus) v.bindThread();
        while (!host.stopping()) {
            boolean ran = false;
            for (VirtualCpu v : cpus) {
                if (host.stopping()) return;
                apicBus.bindCurrentThread(v.apic);      // the APIC page is the running vCPU's
                ran |= turn(v);
            }
            if (!ran) park();
        }
    }

    /** One turn of {@code v}; returns whether it ran guest code (false: nothing to do, may park). */
    private boolean turn(VirtualCpu v) {
        v.cpu.exitRequested = false;         // before the work is served: a later kick is not lost
        vcpus.processPendingWork(v.vcpu);
        if (host.paused() || host.stopping()) return false;
        ExclusiveSection exclusive = vcpus.exclusive();
        exclusive.execStart(v.vcpu);
        boolean ran = false;
        try {
            v.applyPins();
            // Re-checked inside the region: a pause that started while this vCPU waited in execStart.
            if (!host.paused() && !host.stopping() && v.runnable()) {
                v.executor.run(SLICE);
                ran = true;
            }
        } finally {
            exclusive.execEnd(v.vcpu);
        }
        if (v.cpu.shutdownRequested) {
            host.shutdown(v);
            return false;
        }
        return ran;
    }

    /** Sleeps until a kick unparks this thread (a kick before the park is not lost: unpark's permit). */
    private void park() {
        LockSupport.parkNanos(this, MAX_PARK_NANOS);
    }
}
