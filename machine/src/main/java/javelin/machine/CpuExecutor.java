package javelin.machine;

import javelin.cpu.x86.interp.Interpreter;

/**
 * What the machine's vCPU loop needs from the thing that executes guest instructions for one
 * vCPU. Today {@link InterpreterExecutor}; the translation-block engine plugs in here, so the
 * switch is one class.
 */
interface CpuExecutor {
    /**
     * Owner thread, inside the exec region: runs guest code for about {@code slice}
     * instructions, or less when the CPU halts, shuts down or its exit request is raised.
     * Returns the instructions retired.
     */
    long run(int slice);

    /** Instructions retired since construction; read by any thread (approximate while running). */
    long retired();

    /** Receives every instruction before it executes ({@code -d in_asm,cpu}); null turns it off. */
    void setTracer(Interpreter.Tracer tracer);

    /**
     * Forgets every translated or pre-decoded instruction (system reset). Called with every vCPU
     * stopped (exclusive section) or before the threads start.
     */
    void flushCode();

    /** Statistics text for {@code -d stats} beyond the instruction counts, or "" (shared by all vCPUs). */
    default String statsText() {
        return "";
    }
}
