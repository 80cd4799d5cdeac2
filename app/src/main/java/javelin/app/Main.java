package javelin.app;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import javelin.machine.CharDevSpec;
import javelin.machine.DriveSpec;
import javelin.machine.MachineConfig;
import javelin.machine.MachineConfig.DebugExitPorts;
import javelin.machine.MachineConfig.TraceItem;
import javelin.machine.MachineConfigException;
import javelin.machine.PcMachine;
import javelin.ui.fx.MachineWindow;
import javelin.ui.fx.NextStartMedia;
import javelin.ui.fx.config.MachineProfileStore;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code javelin} command. Options are spelled as QEMU spells them ({@code -m}, {@code -bios},
 * {@code -serial}, ...), so a QEMU command line for a supported machine works unchanged. This is
 * the error boundary: a bad option or a bad image ends with one line on standard error and a
 * non-zero status, never a stack trace.
 */
@Command(name = "javelin", mixinStandardHelpOptions = false, subcommands = CputestCommand.class,
        description = "Javelin, an x86 PC emulator for the JVM. Options follow QEMU's.")
public final class Main implements Callable<Integer> {
    /** Exit status for a usage error, as picocli and QEMU use. */
    static final int EXIT_USAGE = 2;
    static final int EXIT_FAILURE = 1;
    /** The {@code -display} value that opens the JavaFX window (docs/window.md). */
    static final String DISPLAY_WINDOW = "javafx";

    @Option(names = "-m", paramLabel = "SIZE", description = "guest RAM (default 128M; suffixes K, M, G)")
    String memory = "128M";

    @Option(names = "-smp", paramLabel = "N", description = "number of vCPUs (1..16)")
    String smp = "1";

    @Option(names = "-bios", paramLabel = "FILE", description = "raw firmware image mapped to end at 4 GiB and at 1 MiB; 'none' for no BIOS (with -kernel)")
    String bios;

    @Option(names = "-kernel", paramLabel = "FILE", description = "Linux bzImage or Multiboot kernel to boot")
    Path kernel;

    @Option(names = "-initrd", paramLabel = "FILE", description = "initial ramdisk (Linux) or comma-separated modules (Multiboot)")
    String initrd;

    @Option(names = "-append", paramLabel = "CMDLINE", description = "kernel command line")
    String append;

    @Option(names = "-boot", paramLabel = "[order=]DRIVES[,menu=on|off]", description = "boot order (c disk, d CD-ROM, n network) and menu")
    String boot;

    @Option(names = ProfileOption.NAME, paramLabel = "NAME", description = "start a machine saved by Machine > New machine (its options replace this one)")
    String machineProfile;

    @Option(names = "-display", paramLabel = "TYPE", description = "javafx (a window; the default when DISPLAY or WAYLAND_DISPLAY is set) or none (headless)")
    String display;

    @Option(names = "-serial", paramLabel = "DEV", description = "next COM port's back end: stdio, vc, file:PATH, tcp:HOST:PORT[,server=on][,wait=off][,telnet=on], unix:PATH[,server=on], null (repeat for COM2-COM4)")
    List<String> serial = new ArrayList<>();

    @Option(names = "-debugcon", paramLabel = "DEV", description = "port 0xE9 debug console: any -serial back end (stdio, file:PATH, ...)")
    String debugcon;

    @Option(names = "-postcode", paramLabel = "DEV", description = "log bytes written to ports 0x80/0x190 as 'POST xx' to any -serial back end (stdio, file:PATH, ...)")
    String postcode;

    @Option(names = "-device", paramLabel = "DRIVER[,PROP=VALUE...]", description = "isa-debug-exit,iobase=0xf4,iosize=4")
    List<String> devices = new ArrayList<>();

    @Option(names = "-d", paramLabel = "ITEM[,ITEM...]", description = "trace: in_asm, cpu, reset, stats (help lists them)")
    String traceItems;

    @Option(names = "-D", paramLabel = "FILE", description = "write the -d trace to FILE instead of standard error")
    Path traceFile;

    @Option(names = "-hda", paramLabel = "FILE", description = "raw disk image as IDE primary master")
    Path hda;

    @Option(names = "-hdb", paramLabel = "FILE", description = "raw disk image as IDE primary slave")
    Path hdb;

    @Option(names = "-hdc", paramLabel = "FILE", description = "raw disk image as IDE secondary master")
    Path hdc;

    @Option(names = "-hdd", paramLabel = "FILE", description = "raw disk image as IDE secondary slave")
    Path hdd;

    @Option(names = "-cdrom", paramLabel = "FILE", description = "ISO image in the IDE secondary master CD-ROM")
    Path cdrom;

    @Option(names = "-drive", paramLabel = "file=F,if=ide,index=N,media=disk|cdrom,readonly=on", description = "an IDE drive")
    List<String> drives = new ArrayList<>();

    @Option(names = "-snapshot", description = "write disk changes to temporary overlays; images stay untouched")
    boolean snapshot;

    @Option(names = "-audio", paramLabel = "none|openal", description = "PC speaker output (default openal; silent without a sound device)")
    String audio = "openal";

    @Option(names = "-vnc", paramLabel = "[HOST]:N[,password=on][,websocket=PORT]", description = "VNC server on port 5900+N (127.0.0.1 unless a host is named)")
    String vnc;

    @Option(names = "-qmp", paramLabel = "tcp:HOST:PORT,server=on,wait=off|unix:PATH,server=on", description = "QMP monitor")
    String qmp;

    @Option(names = "-no-reboot", description = "exit instead of rebooting when the guest resets")
    boolean noReboot;

    @Option(names = "-accel", paramLabel = "tcg[,thread=multi|single][,jit=on|off][,jit-threshold=N]",
            description = "accelerator (only tcg); jit: the bytecode tier, compiling blocks that ran N times (default 20000)")
    String accel = "tcg";

    @Option(names = {"-h", "-help", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    @Override public Integer call() {
        Display chosen = Display.choose(display, System.getenv());
        try {
            MachineConfig config = toConfig();
            if (config == null) return 0;
            return run(config, chosen);
        } catch (MachineConfigException e) {
            // A start-up failure (an image missing, unreadable, of the wrong format) while a window
            // was wanted is also shown in a dialog: the user may have no terminal to read it in.
            if (chosen != Display.NONE && !windowOpened) MachineWindow.showStartupError("javelin: " + e.getMessage());
            throw e;
        }
    }

    private boolean windowOpened;

    private int run(MachineConfig config, Display chosen) {
        if (chosen == Display.NONE) {
            try (RemoteConsoles remote = new RemoteConsoles(vnc, qmp, null);
                 PcMachine machine = PcMachine.create(config, remote.backends())) {
                remote.start(machine);
                return machine.run();
            }
        }
        WindowedMachines.Session first = WindowedMachines.Session.build(config, vnc, qmp);
        MachineWindow window;
        try {
            window = openWindow(first.machine(), chosen);
        } catch (RuntimeException e) {
            first.close();
            throw e;
        }
        if (window == null) {
            try (first) {
                return first.machine().run();
            }
        }
        windowOpened = true;
        window.setVncAddress(first.remote().vncAddress());
        // The machine keeps this thread; the window lives on the JavaFX thread and only posts
        // requests to it. Closing the window quits the machine, which ends run(). Then come the
        // machines the user starts there (docs/window-console-and-machines.md).
        return new WindowedMachines(MachineProfileStore.inUserConfig(), Main::configFromArguments).run(first, window);
    }

    /** The window, or null when it was only the default and cannot open (then: headless, one warning). */
    private static MachineWindow openWindow(PcMachine machine, Display chosen) {
        try {
            return MachineWindow.open(machine, "Javelin");
        } catch (IllegalStateException e) {
            if (chosen == Display.DEFAULT_WINDOW) {
                System.err.println("javelin: warning: " + e.getMessage() + "; running without a window");
                return null;
            }
            throw new MachineConfigException("-display javafx: " + e.getMessage() + " (is DISPLAY set? or use -display none)");
        }
    }

    /** What {@code -display} asks for: none, the window, or the window because a display is there. */
    enum Display {
        NONE, WINDOW, DEFAULT_WINDOW;

        /**
         * Without {@code -display}, the window when the environment names a display (X11's
         * DISPLAY or WAYLAND_DISPLAY), as QEMU picks its GTK display; headless otherwise.
         */
        static Display choose(String option, java.util.Map<String, String> env) {
            if (option != null) return option.equals(DISPLAY_WINDOW) ? WINDOW : NONE;
            boolean display = !env.getOrDefault("DISPLAY", "").isEmpty() || !env.getOrDefault("WAYLAND_DISPLAY", "").isEmpty();
            return display ? DEFAULT_WINDOW : NONE;
        }
    }

    /** Builds the machine configuration; null if the options only asked for information. */
    MachineConfig toConfig() {
        if (traceItems != null && traceItems.equals("help")) {
            PrintStream out = System.out;
            out.println("Log items (comma separated):");
            for (TraceItem t : TraceItem.values()) out.println("  " + t.qemuName);
            return null;
        }
        if (display != null && !display.equals("none") && !display.equals(DISPLAY_WINDOW)) {
            throw new MachineConfigException("-display: '" + display + "' is not available (none or javafx)");
        }
        Accel acceleration = parseAccel(accel);
        DebugExitPorts debugExit = null;
        for (String d : devices) debugExit = DeviceOption.parse(d);
        List<CharDevSpec> serialPorts = serialPorts();
        CharDevSpec debugconSpec = debugcon == null ? null : chardev("-debugcon", debugcon);
        CharDevSpec postcodeSpec = postcode == null ? null : chardev("-postcode", postcode);
        boolean noFirmware = "none".equals(bios);
        String audioDriver = audio.startsWith("driver=") ? audio.substring(7) : audio.split(",")[0];
        if (!audioDriver.equals("none") && !audioDriver.equals("openal")) {
            throw new MachineConfigException("-audio: unknown driver '" + audioDriver + "' (none or openal)");
        }
        return new MachineConfig(SizeParser.parseMemory(memory), parseSmp(smp), noFirmware || bios == null ? null : Path.of(bios), serialPorts,
                debugconSpec, debugExit, postcodeSpec,
                parseTrace(traceItems), traceFile, noReboot, true, driveSpecs(), snapshot,
                kernel, initrd, append, boot, noFirmware, audioDriver.equals("openal"), acceleration.threading(),
                acceleration.jit());
    }

    /** What {@code -accel} asks for: the vCPU threading and the bytecode tier. */
    record Accel(MachineConfig.VcpuThreading threading, MachineConfig.Jit jit) { }

    /**
     * QEMU's {@code -accel tcg[,thread=multi|single]} (multi when not given, as QEMU on an x86
     * host) and Javelin's {@code jit=on|off} and {@code jit-threshold=N} for the bytecode tier.
     */
    static Accel parseAccel(String text) {
        String[] parts = text.split(",", -1);
        if (!parts[0].equals("tcg")) throw new MachineConfigException("-accel: only tcg is available, not '" + parts[0] + "'");
        MachineConfig.VcpuThreading threading = MachineConfig.VcpuThreading.MULTI;
        MachineConfig.Jit defaults = MachineConfig.Jit.defaults();
        boolean jit = defaults.enabled();
        int threshold = defaults.threshold();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            int eq = p.indexOf('=');
            String key = eq < 0 ? p : p.substring(0, eq), value = eq < 0 ? "" : p.substring(eq + 1);
            switch (key) {
                case "thread" -> threading = switch (value) {
                    case "multi" -> MachineConfig.VcpuThreading.MULTI;
                    case "single" -> MachineConfig.VcpuThreading.SINGLE;
                    default -> throw new MachineConfigException("-accel: thread=" + value + " is not multi or single");
                };
                case "jit" -> jit = switch (value) {
                    case "on" -> true;
                    case "off" -> false;
                    default -> throw new MachineConfigException("-accel: jit=" + value + " is not on or off");
                };
                case "jit-threshold" -> {
                    try {
                        threshold = Integer.parseInt(value);
                    } catch (NumberFormatException e) {
                        throw new MachineConfigException("-accel: jit-threshold=" + value + " is not a number");
                    }
                }
                default -> throw new MachineConfigException("-accel: unknown property '" + p
                        + "' (thread=multi|single, jit=on|off, jit-threshold=N)");
            }
        }
        return new Accel(threading, new MachineConfig.Jit(jit, threshold));
    }

    /**
     * {@code -serial} back ends as given; with the window (asked for or the default) and none
     * given, COM1 is its console ({@code vc}), as QEMU's GTK display does.
     */
    private List<CharDevSpec> serialPorts() {
        if (serial.isEmpty() && Display.choose(display, System.getenv()) != Display.NONE) {
            return List.of(new CharDevSpec.VirtualConsole());
        }
        List<CharDevSpec> ports = new ArrayList<>();
        for (String s : serial) ports.add(chardev("-serial", s));
        return ports;
    }

    /** A back end for {@code option}; {@code vc} only when the window opens. */
    private CharDevSpec chardev(String option, String text) {
        CharDevSpec spec = CharDevSpec.parse(option, text);
        if (spec instanceof CharDevSpec.VirtualConsole && Display.choose(display, System.getenv()) == Display.NONE) {
            throw new MachineConfigException(option + " vc: the console is shown in the window; add -display javafx");
        }
        return spec;
    }

    /** The configuration a machine profile's arguments describe, in the window (a one-line error if bad). */
    static MachineConfig configFromArguments(List<String> arguments) {
        Main main = new Main();
        List<String> args = new ArrayList<>(arguments);
        args.addAll(List.of("-display", DISPLAY_WINDOW));
        try {
            new CommandLine(main).parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new MachineConfigException(e.getMessage(), e);
        }
        return main.toConfig();
    }

    /** -hda..-hdd and -cdrom as QEMU maps them (indexes 0..3, the CD-ROM at 2), then -drive. */
    private List<DriveSpec> driveSpecs() {
        List<DriveSpec> out = new ArrayList<>();
        Path[] hd = {hda, hdb, hdc, hdd};
        for (int i = 0; i < hd.length; i++) {
            if (hd[i] != null) out.add(new DriveSpec(i, DriveSpec.Media.DISK, hd[i], false));
        }
        if (cdrom != null) out.add(new DriveSpec(2, DriveSpec.Media.CDROM, cdrom, true));
        for (String d : drives) {
            int next = 0;
            while (next < 4 && indexUsed(out, next)) next++;
            out.add(DriveOption.parse(d, next));
        }
        return out;
    }

    private static boolean indexUsed(List<DriveSpec> drives, int index) {
        for (DriveSpec d : drives) if (d.index() == index) return true;
        return false;
    }

    /** {@code -smp N} or {@code -smp cpus=N} (other topology properties are not modelled and are refused). */
    static int parseSmp(String text) {
        String[] parts = text.split(",");
        String t = parts[0].startsWith("cpus=") ? parts[0].substring(5) : parts[0];
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].equals("cpus=" + t) && !parts[i].equals("maxcpus=" + t)) {
                throw new MachineConfigException("-smp: '" + parts[i] + "' is not supported (only the CPU count)");
            }
        }
        try {
            return Integer.parseInt(t);
        } catch (NumberFormatException e) {
            throw new MachineConfigException("-smp: '" + text + "' is not a CPU count");
        }
    }

    static Set<TraceItem> parseTrace(String items) {
        Set<TraceItem> set = EnumSet.noneOf(TraceItem.class);
        if (items == null) return set;
        outer:
        for (String name : items.split(",")) {
            for (TraceItem t : TraceItem.values()) {
                if (t.qemuName.equals(name)) {
                    set.add(t);
                    continue outer;
                }
            }
            throw new MachineConfigException("-d: unknown log item '" + name + "' (try -d help)");
        }
        return set;
    }

    /**
     * With no arguments: boot the disk images chosen for the next start ({@link NextStartMedia}),
     * else the reference CD (docs/images.md), building the images first if they are not in the
     * cache yet. In the window when a display is available (the default {@code -display}), with
     * COM1 in its serial console view; headless with COM1 on the terminal.
     */
    static String[] defaultArguments() {
        return defaultArguments(System.getenv());
    }

    static String[] defaultArguments(java.util.Map<String, String> env) {
        Path chosen = NextStartMedia.file(env);
        Optional<NextStartMedia> media;
        try {
            media = NextStartMedia.load(chosen);
        } catch (IllegalArgumentException e) {
            throw new MachineConfigException(e.getMessage() + " (choose again in Media > Disk images for the next start, or delete it)", e);
        }
        List<String> args = new ArrayList<>();
        if (media.isPresent() && !media.get().isEmpty()) {
            args.addAll(media.get().arguments());
        } else {
            args.addAll(List.of("-cdrom", DefaultImage.referenceCd().toString()));
        }
        // Headless, COM1 is the terminal; with a window it is the window's serial console view.
        if (Display.choose(null, env) == Display.NONE) args.addAll(List.of("-serial", "stdio"));
        return args.toArray(String[]::new);
    }

    /** Runs the command line and returns the process exit status. */
    static int execute(String[] args, PrintWriter err) {
        try {
            args = ProfileOption.expand(args, MachineProfileStore.inUserConfig());
        } catch (MachineConfigException e) {
            err.println("javelin: " + e.getMessage());
            err.flush();
            return EXIT_FAILURE;
        }
        CommandLine cmd = new CommandLine(new Main());
        cmd.setErr(err);
        cmd.setParameterExceptionHandler((ex, a) -> {
            err.println("javelin: " + ex.getMessage() + " (try -help)");
            err.flush();
            return EXIT_USAGE;
        });
        cmd.setExecutionExceptionHandler((ex, c, parsed) -> {
            if (ex instanceof MachineConfigException) {
                err.println("javelin: " + ex.getMessage());
                err.flush();
                return EXIT_FAILURE;
            }
            throw ex;
        });
        return cmd.execute(args);
    }

    public static void main(String[] args) {
        PrintWriter err = new PrintWriter(System.err, true);
        if (args.length == 0) {
            try {
                args = defaultArguments();
            } catch (MachineConfigException e) {
                err.println("javelin: " + e.getMessage());
                if (Display.choose(null, System.getenv()) != Display.NONE) MachineWindow.showStartupError("javelin: " + e.getMessage());
                System.exit(EXIT_FAILURE);
            }
        }
        int status = execute(args, err);
        System.out.flush();
        System.exit(status);
    }
}
