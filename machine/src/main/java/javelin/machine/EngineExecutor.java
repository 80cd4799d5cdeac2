package javelin.machine;

import javelin.cpu.x86.exec.X86Vcpu;
import javelin.cpu.x86.interp.Interpreter;

/** A vCPU's executor on the translation-block engine ({@link X86Vcpu}, docs/engine.md). */
final class EngineExecutor implements CpuExecutor {
    private final X86Vcpu x86;

    EngineExecutor(X86Vcpu x86) {
        this.x86 = x86;
    }

    /** The engine's slice is set once ({@link X86Vcpu#setSlice}); {@code slice} is ignored here. */
    @Override public long run(int slice) {
        return x86.run();
    }

    @Override public long retired() {
        return x86.retired();
    }

    @Override public void setTracer(Interpreter.Tracer tracer) {
        x86.setTracer(tracer);
    }
}
