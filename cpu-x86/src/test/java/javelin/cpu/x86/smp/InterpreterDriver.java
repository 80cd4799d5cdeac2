package javelin.cpu.x86.smp;

import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.interp.Interpreter;
import javelin.softmmu.tb.TbStats;

/**
 * Runs each vCPU on the reference interpreter without a decode cache: every instruction is
 * decoded from RAM, so it is safe with several threads and sees modified code at once.
 */
final class InterpreterDriver implements VcpuDriver {

    @Override
    public Loop attach(CpuState cpu) {
        Interpreter interpreter = new Interpreter(cpu);
        return new Loop() {
            private volatile boolean stopped;

            @Override
            public void run() {
                while (!stopped && !cpu.halted && !cpu.shutdownRequested) interpreter.run(10_000);
            }

            @Override
            public void stop() {
                stopped = true;
                cpu.exitRequested = true;
            }

            @Override
            public long retired() {
                return interpreter.retired();
            }
        };
    }

    @Override
    public TbStats stats() {
        return null;
    }
}
