package javelin.machine;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Everything needed to build a machine, as the command line (or a saved configuration) says it.
 *
 * @param ramBytes  guest RAM
 * @param smp       number of vCPUs
 * @param bios      raw firmware image, or null for the default firmware
 * @param serial    back ends of COM1..COM4 in order
 * @param debugcon  back end of the 0xE9 debug console, or null for none
 * @param debugExit isa-debug-exit port range, or null for none
 * @param postcode  back end of the POST-code log, or null for none
 * @param trace     {@code -d} items
 * @param traceFile {@code -D} file for the trace, or null for standard error
 * @param noReboot  a guest reset (triple fault, reset port) ends the emulator instead
 * @param headless  {@code -display none}
 * @param drives    IDE drives, at most one per index
 * @param snapshot  {@code -snapshot}: disk writes go to temporary overlays, images stay untouched
 * @param kernel    {@code -kernel}: a Linux bzImage or Multiboot image, or null
 * @param initrd    {@code -initrd}: the initrd (Linux) or comma-separated modules (Multiboot), or null
 * @param append    {@code -append}: the kernel command line ("" if none)
 * @param boot      {@code -boot} as QEMU spells it ({@code order=dc,menu=on}), or null
 * @param noFirmware {@code -bios none}: no BIOS at all; a {@code -kernel} starts at its 32-bit entry
 * @param audio     play the PC speaker through OpenAL ({@code -audio none} turns it off)
 * @param threading how the vCPUs map to host threads ({@code -accel tcg,thread=}); null means
 *                  {@link VcpuThreading#MULTI}, QEMU's default for TCG on an x86 host
 * @param jit       the bytecode tier ({@code -accel tcg,jit=,jit-threshold=}); null means {@link Jit#defaults}
 */
public record MachineConfig(long ramBytes, int smp, Path bios, List<CharDevSpec> serial, CharDevSpec debugcon,
                            DebugExitPorts debugExit, CharDevSpec postcode, Set<TraceItem> trace, Path traceFile,
                            boolean noReboot, boolean headless, List<DriveSpec> drives, boolean snapshot,
                            Path kernel, String initrd, String append, String boot, boolean noFirmware,
                            boolean audio, VcpuThreading threading, Jit jit) {

    /** A configuration with the default bytecode tier ({@link Jit#defaults}). */
    public MachineConfig(long ramBytes, int smp, Path bios, List<CharDevSpec> serial, CharDevSpec debugcon,
                         DebugExitPorts debugExit, CharDevSpec postcode, Set<TraceItem> trace, Path traceFile,
                         boolean noReboot, boolean headless, List<DriveSpec> drives, boolean snapshot,
                         Path kernel, String initrd, String append, String boot, boolean noFirmware,
                         boolean audio, VcpuThreading threading) {
        this(ramBytes, smp, bios, serial, debugcon, debugExit, postcode, trace, traceFile, noReboot, headless, drives,
                snapshot, kernel, initrd, append, boot, noFirmware, audio, threading, null);
    }

    /** A configuration with the default threading (one host thread per vCPU). */
    public MachineConfig(long ramBytes, int smp, Path bios, List<CharDevSpec> serial, CharDevSpec debugcon,
                         DebugExitPorts debugExit, CharDevSpec postcode, Set<TraceItem> trace, Path traceFile,
                         boolean noReboot, boolean headless, List<DriveSpec> drives, boolean snapshot,
                         Path kernel, String initrd, String append, String boot, boolean noFirmware,
                         boolean audio) {
        this(ramBytes, smp, bios, serial, debugcon, debugExit, postcode, trace, traceFile, noReboot, headless, drives,
                snapshot, kernel, initrd, append, boot, noFirmware, audio, null, null);
    }

    public MachineConfig {
        if (threading == null) threading = VcpuThreading.MULTI;
        if (jit == null) jit = Jit.defaults();
        if (ramBytes < (1 << 20) || ramBytes > (3L << 30)) {
            throw new MachineConfigException("-m: RAM size must be between 1 MiB and 3 GiB, not " + ramBytes + " bytes");
        }
        if ((ramBytes & 0xFFF) != 0) throw new MachineConfigException("-m: RAM size must be a multiple of 4 KiB");
        if (smp < 1 || smp > 16) throw new MachineConfigException("-smp: between 1 and 16 CPUs, not " + smp);
        trace = Set.copyOf(trace);
        if (append == null) append = "";
        if (kernel == null && (initrd != null || !append.isEmpty())) {
            throw new MachineConfigException("-initrd and -append need -kernel");
        }
        if (noFirmware && kernel == null) throw new MachineConfigException("-bios none needs -kernel");
        if (noFirmware && bios != null) throw new MachineConfigException("-bios none and -bios FILE exclude each other");
        serial = List.copyOf(serial);
        if (serial.size() > 4) throw new MachineConfigException("-serial: at most 4 serial ports (COM1-COM4)");
        drives = List.copyOf(drives);
        boolean[] used = new boolean[4];
        for (DriveSpec d : drives) {
            if (used[d.index()]) throw new MachineConfigException("IDE index " + d.index() + " is used by two drives");
            used[d.index()] = true;
        }
    }

    /**
     * {@code -accel tcg,jit=on|off,jit-threshold=N}: the bytecode tier (docs/engine.md, "The
     * bytecode tier"): on or off, and how many times a block runs on the interpreter before it is
     * compiled (0: every block before its first run, on the vCPU's thread).
     */
    public record Jit(boolean enabled, int threshold) {
        /** Runs of a block before it is compiled, unless told otherwise. */
        public static final int DEFAULT_THRESHOLD = javelin.cpu.x86.jit.JitCompiler.DEFAULT_THRESHOLD;

        public Jit {
            if (threshold < 0) throw new MachineConfigException("-accel: jit-threshold must not be negative, not " + threshold);
        }

        /**
         * On with {@link #DEFAULT_THRESHOLD}, unless the system properties {@code javelin.jit}
         * ({@code on|off}) or {@code javelin.jit.threshold} say otherwise: the hook by which the
         * test command runs every machine's code through the compiled tier.
         */
        public static Jit defaults() {
            return new Jit(!"off".equals(System.getProperty("javelin.jit", "on")),
                    Integer.getInteger("javelin.jit.threshold", DEFAULT_THRESHOLD));
        }
    }

    /** {@code -accel tcg,thread=...}: how vCPUs are run on host threads (QEMU's MTTCG switch). */
    public enum VcpuThreading {
        /** One host thread per vCPU ({@code thread=multi}): the vCPUs run in parallel. */
        MULTI("multi"),
        /** One host thread runs every vCPU in turn, a slice each ({@code thread=single}, QEMU's round robin). */
        SINGLE("single");

        public final String qemuName;

        VcpuThreading(String qemuName) {
            this.qemuName = qemuName;
        }
    }

    /** The isa-debug-exit device's port range ({@code -device isa-debug-exit,iobase=,iosize=}). */
    public record DebugExitPorts(int iobase, int iosize) {
        public DebugExitPorts {
            if (iobase < 0 || iosize < 1 || iobase + iosize > 0x10000) {
                throw new MachineConfigException("isa-debug-exit: bad port range iobase=" + iobase + " iosize=" + iosize);
            }
        }
    }

    /** QEMU's {@code -d} log items that Javelin implements. */
    public enum TraceItem {
        /** Every executed instruction: address and disassembly. */
        IN_ASM("in_asm"),
        /** The register file before each executed instruction. */
        CPU("cpu"),
        /** Guest resets and shutdowns. */
        RESET("reset"),
        /** At exit: instructions executed, host seconds and guest MIPS. */
        STATS("stats");

        public final String qemuName;

        TraceItem(String qemuName) {
            this.qemuName = qemuName;
        }
    }
}
