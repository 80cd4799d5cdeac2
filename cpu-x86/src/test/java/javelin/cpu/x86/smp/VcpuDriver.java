package javelin.cpu.x86.smp;

import javelin.cpu.x86.CpuState;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.tb.TbStats;

/**
 * How the SMP guest tests run a vCPU on its own thread. {@link #create} is the one place that
 * picks the execution engine under test: the translation-block engine ({@link EngineDriver});
 * {@link InterpreterDriver} (the reference interpreter, no blocks) is kept to tell an engine
 * bug from a guest-program bug.
 */
interface VcpuDriver {

    /** One vCPU's run loop, called on the thread that owns it. */
    interface Loop {
        /** Runs until the vCPU halts, shuts down (triple fault) or {@link #stop()} is called. */
        void run();

        /** From any thread: makes {@link #run()} return soon. */
        void stop();

        /** Instructions retired so far (read after {@link #run()} returned). */
        long retired();
    }

    /** Attaches vCPU {@code cpu} (before any thread starts). */
    Loop attach(CpuState cpu);

    /** The engine's translation-block counters, or null when the engine keeps none. */
    TbStats stats();

    /** The driver for {@code vcpus} CPUs on {@code mem}. */
    static VcpuDriver create(PhysicalMemory mem, int vcpus) {
        return Boolean.getBoolean("javelin.smp.interpreter") ? new InterpreterDriver() : new EngineDriver(mem, vcpus);
    }
}
