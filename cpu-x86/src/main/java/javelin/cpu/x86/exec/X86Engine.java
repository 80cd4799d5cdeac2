package javelin.cpu.x86.exec;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javelin.cpu.x86.CpuSocket;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.jit.JitCompiler;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.exec.Vcpu;
import javelin.softmmu.exec.VcpuSet;
import javelin.softmmu.tb.TbCache;
import javelin.softmmu.tb.TbExecutor;
import javelin.softmmu.tb.TbStats;

/**
 * The translation-block engine of one machine for x86 vCPUs: one code cache
 * ({@link TbCache}, which becomes the memory's code-write listener), one executor, and the
 * vCPUs attached to it.
 *
 * <p>[XE-1] A change of the physical memory map (PAM shadowing, a BAR move) can put other bytes
 * behind a physical page, so every block is dropped ({@link #flushAll}).
 * [XE-2] {@link #flushAll} drops blocks only with every vCPU stopped: from a vCPU thread
 * outside its exec region at once in an exclusive section; from inside it (a mapping change
 * made by an instruction) as safe work on that vCPU, served before its next block; from any
 * other thread as safe work on vCPU 0 while its thread runs, else at once.
 */
public final class X86Engine {
    private final VcpuSet vcpus;
    private final TbCache<X86Vcpu> cache;
    private final TbExecutor<X86Vcpu> executor;
    private final List<X86Vcpu> attached = new CopyOnWriteArrayList<>();
    /** The bytecode tier, or null. */
    private final JitCompiler jit;

    /**
     * An engine with the bytecode tier as the system properties say ({@link JitCompiler#fromSystemProperties}).
     *
     * @param capacity blocks kept before the whole cache is flushed
     */
    public X86Engine(PhysicalMemory mem, VcpuSet vcpus, int capacity) {
        this(mem, vcpus, capacity, JitCompiler.fromSystemProperties());
    }

    /** @param jit the bytecode tier's compiler, or null to run every block on the interpreter */
    public X86Engine(PhysicalMemory mem, VcpuSet vcpus, int capacity, JitCompiler jit) {
        this.vcpus = vcpus;
        this.jit = jit;
        this.cache = new TbCache<>(mem, vcpus, new X86FrontEnd(jit), capacity);
        this.executor = new TbExecutor<>(cache);
        mem.addMappingListener(this::flushAll);                  // [XE-1]
    }

    /**
     * Attaches {@code cpu}, plugged into {@code socket}, as {@code vcpu}: once per vCPU, before
     * its thread starts. The returned vCPU owns the CPU's MMU and interpreter.
     */
    public X86Vcpu attach(Vcpu vcpu, CpuState cpu, CpuSocket socket) {
        for (X86Vcpu a : attached) {
            if (a.vcpu() == vcpu || a.cpu() == cpu) throw new IllegalStateException(vcpu + " is already attached");
        }
        X86Vcpu x = new X86Vcpu(this, vcpu, cpu, socket);
        attached.add(x);
        return x;
    }

    public TbStats stats() {
        return cache.stats();
    }

    /** The bytecode tier's figures, or null without it. */
    public JitCompiler.Stats jitStats() {
        return jit == null ? null : jit.stats();
    }

    /** Blocks held now. */
    public int size() {
        return cache.size();
    }

    /** [XE-2] Drops every block; callable from any thread. */
    public void flushAll() {
        // With several vCPUs on one thread (round robin) the caller is the one inside its exec
        // region; starting the section as another of them would wait for the caller itself.
        Vcpu owned = null;
        for (Vcpu v : vcpus.all()) {
            if (!v.isOwnerThread()) continue;
            if (v.isRunning()) {
                vcpus.runSafeOnCpu(v, cache::flushAllExclusive);
                return;
            }
            if (owned == null) owned = v;
        }
        if (owned != null) {
            vcpus.runExclusive(owned, cache::flushAllExclusive);
            return;
        }
        X86Vcpu first = attached.isEmpty() ? null : attached.getFirst();
        if (first != null && first.threadAlive()) vcpus.runSafeOnCpu(first.vcpu(), cache::flushAllExclusive);
        else vcpus.runExclusive(null, cache::flushAllExclusive);
    }

    VcpuSet vcpus() {
        return vcpus;
    }

    TbCache<X86Vcpu> cache() {
        return cache;
    }

    TbExecutor<X86Vcpu> executor() {
        return executor;
    }
}
