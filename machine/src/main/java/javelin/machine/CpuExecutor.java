package javelin.machine;

import javelin.cpu.x86.interp.Interpreter;

/**
 * What the machine's vCPU loop needs from the thing that executes guest instructions for one
 * vCPU: today the translation-block engine ({@link EngineExecutor}); the loop does not depend on
 * which, so another executor is one class.
 */
interface CpuExecutor {
    /**
     * Owner thread, outside any exec region (the executor enters its own): runs guest code for
     * about {@code slice} instructions, or less when the CPU halts, shuts down or its exit
     * request is raised.
     * Returns the instructions retired.
     */
    long run(int slice);

    /** Instructions retired since construction; read by any thread (approximate while running). */
    long retired();

    /** Receives every instruction before it executes ({@code -d in_asm,cpu}); null turns it off. */
    void setTracer(Interpreter.Tracer tracer);
}
