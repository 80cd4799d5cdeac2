package javelin.cpu.x86.testing;

import java.util.concurrent.locks.ReentrantLock;
import javelin.cpu.x86.CpuSocket;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.exec.X86Engine;
import javelin.cpu.x86.exec.X86Vcpu;
import javelin.cpu.x86.jit.JitCompiler;
import javelin.cpu.x86.interp.Interpreter;
import javelin.cpu.x86.mmu.Mmu;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.exec.Vcpu;
import javelin.softmmu.exec.VcpuSet;

/**
 * The machine the cpu-x86 tests run on, built by {@link #builder()}: RAM from address 0, an
 * optional ROM mapped the way a PC maps its BIOS, one I/O port bus with nothing on it, and one
 * or more vCPUs in their power-on state, each with its socket on that memory and bus and its
 * MMU. The vCPUs run on the translation-block engine (one {@link X86Engine} for the machine),
 * or each on a lone {@link Interpreter} that decodes every instruction from memory: the
 * reference the engine is checked against.
 *
 * <p>What a test puts in the machine (code, descriptor tables, ports, the CPU's mode) stays
 * with the test; this class only builds and runs. Not thread-safe: each vCPU is run by one
 * thread at a time, which {@link #runSlice} makes its owner.
 */
public final class TestMachine implements AutoCloseable {
    /** How the vCPUs execute. */
    public enum Execution {
        /** Translation blocks on one {@link X86Engine} (what machines run). */
        ENGINE,
        /** A lone {@link Interpreter} per vCPU, decoding every instruction from memory. */
        INTERPRETER
    }

    /** Instructions per {@link #runSlice} on a lone interpreter. */
    public static final int INTERPRETER_SLICE = 10_000;
    /** The last 128 KiB of a ROM also end at 1 MiB, as the PC's BIOS does (the CPU's first fetch is F000:FFF0). */
    static final long LOW_ROM_END = 0x10_0000;
    static final int LOW_ROM_MAX = 128 << 10;

    public final PhysicalMemory mem;
    public final IoPortBus io;
    public final VcpuSet vcpus;
    /** The engine of an {@link Execution#ENGINE} machine, else null. */
    public final X86Engine engine;
    private final Execution execution;
    private final CpuState[] cpus;
    private final CpuSocket[] sockets;
    private final Mmu[] mmus;
    private final Interpreter[] interpreters;
    private final X86Vcpu[] x86;

    /** What a machine is made of; defaults: 1 MiB of RAM, no ROM, one vCPU on an engine of 4096 blocks. */
    public static final class Builder {
        private long ram = 1 << 20;
        private byte[] rom;
        private int vcpus = 1;
        private Execution execution = Execution.ENGINE;
        private int capacity = 4096;
        private JitCompiler jit;
        private boolean jitGiven;

        private Builder() { }

        /**
         * The engine's bytecode tier: {@code jit}, or null for none. Without this the engine takes
         * the tier the system properties ask for ({@code javelin.jit}, {@code javelin.jit.threshold}).
         */
        public Builder jit(JitCompiler jit) {
            this.jit = jit;
            this.jitGiven = true;
            return this;
        }

        /** Bytes of RAM, mapped from physical address 0. */
        public Builder ram(long bytes) {
            if (bytes <= 0 || bytes > 1L << 31) throw new IllegalArgumentException("RAM size " + bytes);
            this.ram = bytes;
            return this;
        }

        /** A firmware image: mapped read-only to end at 4 GiB, its last 128 KiB (or all) also to end at 1 MiB. */
        public Builder rom(byte[] image) {
            if (image.length == 0) throw new IllegalArgumentException("empty ROM");
            this.rom = image.clone();
            return this;
        }

        public Builder vcpus(int count) {
            if (count < 1) throw new IllegalArgumentException("vCPUs: " + count);
            this.vcpus = count;
            return this;
        }

        /** Runs the vCPUs on one engine that keeps up to {@code blocks} translation blocks. */
        public Builder engine(int blocks) {
            this.execution = Execution.ENGINE;
            this.capacity = blocks;
            return this;
        }

        /** Runs each vCPU on a lone interpreter. */
        public Builder interpreter() {
            this.execution = Execution.INTERPRETER;
            return this;
        }

        public Builder execution(Execution how) {
            this.execution = how;
            return this;
        }

        public TestMachine build() {
            return new TestMachine(this);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    private TestMachine(Builder b) {
        ReentrantLock lock = new ReentrantLock();
        int romSize = b.rom == null ? 0 : b.rom.length;
        mem = new PhysicalMemory(b.ram, romSize, lock);
        mem.mapRam(0, b.ram, 0);
        if (b.rom != null) {
            long backing = mem.allocateBlock(romSize);
            mem.mapRom(0x1_0000_0000L - romSize, romSize, backing);
            int low = Math.min(romSize, LOW_ROM_MAX);
            mem.mapRom(LOW_ROM_END - low, low, backing + romSize - low);
            mem.loadIntoRom(0x1_0000_0000L - romSize, b.rom);
        }
        io = new IoPortBus(lock);
        execution = b.execution;
        vcpus = new VcpuSet(b.vcpus);
        engine = execution != Execution.ENGINE ? null
                : b.jitGiven ? new X86Engine(mem, vcpus, b.capacity, b.jit) : new X86Engine(mem, vcpus, b.capacity);
        cpus = new CpuState[b.vcpus];
        sockets = new CpuSocket[b.vcpus];
        mmus = new Mmu[b.vcpus];
        interpreters = new Interpreter[b.vcpus];
        x86 = new X86Vcpu[b.vcpus];
        for (int i = 0; i < b.vcpus; i++) {
            cpus[i] = new CpuState(i);
            sockets[i] = new CpuSocket(mem, io);
            if (engine != null) {
                x86[i] = engine.attach(vcpus.get(i), cpus[i], sockets[i]);
                mmus[i] = x86[i].mmu();
                interpreters[i] = x86[i].interpreter();
            } else {
                mmus[i] = new Mmu(cpus[i], mem);
                interpreters[i] = new Interpreter(cpus[i], mmus[i], sockets[i], vcpus.get(i));
            }
        }
    }

    public Execution execution() {
        return execution;
    }

    public int vcpuCount() {
        return cpus.length;
    }

    /** The bootstrap processor's state. */
    public CpuState cpu() {
        return cpus[0];
    }

    public CpuState cpu(int index) {
        return cpus[index];
    }

    /** What vCPU {@code index} is plugged into: tests wire INTR, FERR# or the clock here. */
    public CpuSocket socket(int index) {
        return sockets[index];
    }

    public CpuSocket socket() {
        return sockets[0];
    }

    public Mmu mmu(int index) {
        return mmus[index];
    }

    public Mmu mmu() {
        return mmus[0];
    }

    /** The interpreter of vCPU {@code index}: the engine's, or the lone one. */
    public Interpreter interpreter(int index) {
        return interpreters[index];
    }

    public Interpreter interpreter() {
        return interpreters[0];
    }

    /** The engine's vCPU {@code index}; only on an {@link Execution#ENGINE} machine. */
    public X86Vcpu x86(int index) {
        if (engine == null) throw new IllegalStateException("this machine runs lone interpreters");
        return x86[index];
    }

    public Vcpu vcpu(int index) {
        return vcpus.get(index);
    }

    /** Writes bytes (given as ints) at physical {@code address}, as DMA would: code pages are invalidated. */
    public TestMachine load(long address, int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < b.length; i++) b[i] = (byte) bytes[i];
        mem.writeBytes(address, b, 0, b.length);
        return this;
    }

    /**
     * Runs vCPU {@code index} for one slice on the calling thread, which becomes its owner:
     * on the engine its queued work first, then blocks until an exit; on a lone interpreter up
     * to {@link #INTERPRETER_SLICE} instructions. Returns the instructions retired.
     */
    public long runSlice(int index) {
        Vcpu v = vcpus.get(index);
        if (!v.isOwnerThread()) v.bindToCurrentThread();
        if (engine == null) return interpreters[index].run(INTERPRETER_SLICE);
        vcpus.processPendingWork(v);
        return x86[index].run();
    }

    /**
     * Runs vCPU {@code index} from {@code eip} until it halts, at most {@code maxSlices}
     * slices; fails if it does not halt. Returns the instructions retired.
     */
    public long runUntilHalt(int index, int eip, int maxSlices) {
        CpuState cpu = cpus[index];
        cpu.eip = eip;
        cpu.halted = false;
        long retired = 0;
        for (int k = 0; k < maxSlices && !cpu.halted; k++) retired += runSlice(index);
        if (!cpu.halted) throw new AssertionError("vCPU " + index + " did not reach HLT");
        return retired;
    }

    /** Instructions retired by vCPU {@code index}; readable from any thread. */
    public long retired(int index) {
        return interpreters[index].retired();
    }

    /** From any thread: makes vCPU {@code index}'s current slice end soon. */
    public void kick(int index) {
        vcpus.get(index).requestAttention();
    }

    @Override
    public void close() {
        mem.close();
    }
}
