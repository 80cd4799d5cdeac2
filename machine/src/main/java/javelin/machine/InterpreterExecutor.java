package javelin.machine;

import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.interp.CodeCache;
import javelin.cpu.x86.interp.Interpreter;

/**
 * The reference interpreter as a vCPU's executor. With one vCPU it keeps the pre-decoded
 * {@link CodeCache}; with several it decodes from memory every time, because the code cache
 * is not safe for several threads (its page slots are filled and cleared without locks). That is
 * slow but correct, and is what runs until the translation-block engine replaces this class.
 */
final class InterpreterExecutor implements CpuExecutor {
    private final Interpreter interpreter;
    private final CodeCache codeCache;
    /** Published copy of the interpreter's counter, which only its owner thread may read. */
    private volatile long retired;

    /** @param codeCache a shared decode cache (single vCPU only), or null */
    InterpreterExecutor(CpuState cpu, CodeCache codeCache) {
        this.codeCache = codeCache;
        this.interpreter = new Interpreter(cpu, codeCache);
    }

    @Override public long run(int slice) {
        long n = interpreter.run(slice);
        retired = interpreter.retired();
        return n;
    }

    @Override public long retired() {
        return retired;
    }

    @Override public void setTracer(Interpreter.Tracer tracer) {
        interpreter.setTracer(tracer);
    }

    @Override public void flushCode() {
        if (codeCache != null) codeCache.flushAll();
    }
}
