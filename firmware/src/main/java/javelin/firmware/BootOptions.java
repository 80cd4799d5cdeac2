package javelin.firmware;

import java.util.ArrayList;
import java.util.List;

/**
 * What {@code -boot} says, QEMU-style: {@code order=} drive letters ({@code a} floppy,
 * {@code c} first hard disk, {@code d} CD-ROM, {@code n} network), {@code menu=on|off},
 * {@code splash-time=} (how long SeaBIOS shows "Press ESC for boot menu", ms),
 * {@code reboot-timeout=} (ms before retrying after a failed boot; -1 means SeaBIOS's own
 * default), and device paths from {@code bootindex=} properties for the {@code bootorder} file.
 */
public record BootOptions(String order, boolean menu, int splashTimeMs, int rebootTimeoutMs, List<String> devicePaths) {
    /** QEMU's default for the pc machine: hard disk, then CD-ROM, then network. */
    public static final BootOptions DEFAULT = new BootOptions("cdn", false, -1, -1, List.of());
    static final int MAX_ORDER = 3;

    public BootOptions {
        devicePaths = List.copyOf(devicePaths);
        if (order.isEmpty() || order.length() > MAX_ORDER) {
            throw new IllegalArgumentException("-boot order takes 1 to 3 drive letters: " + order);
        }
        for (char c : order.toCharArray()) {
            if (BootOrder.deviceCode(c) < 0) {
                throw new IllegalArgumentException("-boot order: unknown drive letter '" + c + "' in " + order
                        + " (use a, c, d or n)");
            }
        }
        if (splashTimeMs > 0xFFFF) throw new IllegalArgumentException("splash-time is at most 65535 ms");
    }

    /** These options with {@code path} first in the {@code bootorder} file (as QEMU's bootindex=0). */
    public BootOptions withFirstDevice(String path) {
        List<String> paths = new ArrayList<>();
        paths.add(path);
        devicePaths.stream().filter(p -> !p.equals(path)).forEach(paths::add);
        return new BootOptions(order, menu, splashTimeMs, rebootTimeoutMs, paths);
    }
}
