package javelin.cpu.x86.smp;

import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.exec.X86Engine;
import javelin.cpu.x86.exec.X86Vcpu;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.exec.Vcpu;
import javelin.softmmu.exec.VcpuSet;
import javelin.softmmu.tb.TbStats;

/**
 * Runs the vCPUs on the translation-block engine under test: one {@link X86Engine} for the
 * machine, one {@link X86Vcpu} per CPU, and the front end's outer loop of docs/engine.md
 * (serve queued work, stop when halted, run blocks).
 */
final class EngineDriver implements VcpuDriver {
    /** Large enough that no test fills it: a flush would blur the invalidation counts. */
    static final int CAPACITY = 1 << 16;

    private final VcpuSet vcpus;
    private final X86Engine engine;

    EngineDriver(PhysicalMemory mem, int count) {
        vcpus = new VcpuSet(count);
        engine = new X86Engine(mem, vcpus, CAPACITY);
    }

    @Override
    public Loop attach(CpuState cpu) {
        Vcpu vcpu = vcpus.get(cpu.cpuIndex);
        X86Vcpu x86 = engine.attach(vcpu, cpu);
        return new Loop() {
            private volatile boolean stopped;

            @Override
            public void run() {
                vcpu.bindToCurrentThread();
                while (!stopped) {
                    vcpus.processPendingWork(vcpu);
                    if (cpu.halted || cpu.shutdownRequested) break;   // nothing can wake it: no interrupts here
                    x86.run();
                }
            }

            @Override
            public void stop() {
                stopped = true;
                vcpu.requestAttention();
            }

            @Override
            public long retired() {
                return x86.retired();
            }
        };
    }

    @Override
    public TbStats stats() {
        return engine.stats();
    }
}
