package javelin.ui.fx.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A saved machine: what it boots (a CD image, disk images, or a Linux kernel with its initrd and
 * command line), its memory and its CPUs. Stored as JSON by {@link MachineProfileStore}; the
 * component names are the file format (a rename bumps {@link #VERSION}).
 *
 * <p>Paths are kept as the user gave them (strings, so the JSON shows plain paths). A profile is
 * only checked against the file system by {@link #problems()}, when it is about to be used: a
 * saved profile whose image has since moved still loads, and then says what is missing.
 *
 * @param version   format version, {@link #VERSION}; a newer one is refused
 * @param name      shown in the menus and used as the file name: letters, digits, space, {@code . _ -}
 * @param cdrom     ISO image for the CD-ROM (IDE secondary master), or null
 * @param hda       raw disk image as IDE primary master, or null
 * @param hdb       raw disk image as IDE primary slave, or null
 * @param kernel    Linux bzImage or Multiboot kernel booted directly, or null
 * @param initrd    initial ramdisk for {@code kernel}, or null
 * @param append    kernel command line, or null
 * @param memoryMiB guest RAM in MiB, {@value #MIN_MEMORY_MIB}..{@value #MAX_MEMORY_MIB}
 * @param cpus      vCPUs, 1..{@value #MAX_CPUS}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record MachineProfile(int version, String name, String cdrom, String hda, String hdb,
                             String kernel, String initrd, String append, int memoryMiB, int cpus) {
    public static final int VERSION = 1;
    /** The limits {@code MachineConfig} enforces for {@code -m} and {@code -smp}. */
    public static final int MIN_MEMORY_MIB = 1, MAX_MEMORY_MIB = 3072, MAX_CPUS = 16;
    public static final int DEFAULT_MEMORY_MIB = 512;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9 ._-]{0,63}");

    public MachineProfile {
        if (version > VERSION) {
            throw new MachineProfileException("profile format version " + version
                    + " is newer than this Javelin reads (" + VERSION + ")");
        }
        if (version < 1) throw new MachineProfileException("profile format version " + version + " is not valid");
        name = name == null ? "" : name.strip();
        cdrom = blankToNull(cdrom);
        hda = blankToNull(hda);
        hdb = blankToNull(hdb);
        kernel = blankToNull(kernel);
        initrd = blankToNull(initrd);
        append = blankToNull(append);
    }

    /** A current-version profile. */
    public static MachineProfile of(String name, String cdrom, String hda, String hdb, String kernel,
                                    String initrd, String append, int memoryMiB, int cpus) {
        return new MachineProfile(VERSION, name, cdrom, hda, hdb, kernel, initrd, append, memoryMiB, cpus);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** Whether {@code name} can name a profile (and its file). */
    static boolean validName(String name) {
        return NAME.matcher(name).matches();
    }

    /**
     * Everything that stops this profile from starting, one line each, or an empty list: a bad
     * name, nothing to boot, a missing, unreadable or non-file image, memory or CPUs out of range.
     */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        if (name.isEmpty()) {
            out.add("Name: give the machine a name");
        } else if (!validName(name)) {
            out.add("Name: use letters, digits, spaces, '.', '_' and '-' (at most 64), not starting with a space or '.'");
        }
        if (cdrom == null && hda == null && kernel == null) {
            out.add("Boot: choose a CD image, a disk image or a kernel");
        }
        checkFile(out, "CD image", cdrom);
        checkFile(out, "Disk image", hda);
        checkFile(out, "Second disk image", hdb);
        checkFile(out, "Kernel", kernel);
        checkFile(out, "Initrd", initrd);
        if (kernel == null && (initrd != null || append != null)) {
            out.add("Initrd and kernel command line need a kernel");
        }
        if (memoryMiB < MIN_MEMORY_MIB || memoryMiB > MAX_MEMORY_MIB) {
            out.add("Memory: " + MIN_MEMORY_MIB + " to " + MAX_MEMORY_MIB + " MiB, not " + memoryMiB);
        }
        if (cpus < 1 || cpus > MAX_CPUS) out.add("CPUs: 1 to " + MAX_CPUS + ", not " + cpus);
        return out;
    }

    private static void checkFile(List<String> out, String what, String path) {
        if (path == null) return;
        Path p;
        try {
            p = Path.of(path);
        } catch (InvalidPathException e) {
            out.add(what + " " + path + ": not a valid path");
            return;
        }
        if (!Files.exists(p)) {
            out.add(what + " " + path + ": no such file");
        } else if (!Files.isRegularFile(p)) {
            out.add(what + " " + path + ": not a file");
        } else if (!Files.isReadable(p)) {
            out.add(what + " " + path + ": cannot be read (permissions)");
        }
    }

    /** The command line that starts this machine, spelled as {@code javelin} (and QEMU) take it. */
    public List<String> toArguments() {
        List<String> args = new ArrayList<>(List.of("-m", memoryMiB + "M", "-smp", Integer.toString(cpus)));
        if (cdrom != null) args.addAll(List.of("-cdrom", cdrom));
        if (hda != null) args.addAll(List.of("-hda", hda));
        if (hdb != null) args.addAll(List.of("-hdb", hdb));
        if (kernel != null) args.addAll(List.of("-kernel", kernel));
        if (initrd != null) args.addAll(List.of("-initrd", initrd));
        if (append != null) args.addAll(List.of("-append", append));
        return args;
    }
}
