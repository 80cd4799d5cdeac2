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

    /**
     * Parses QEMU's {@code -boot} argument: {@code [order=]drives[,once=drives][,menu=on|off]
     * [,splash-time=ms][,reboot-timeout=ms][,strict=on|off]}. {@code once} is taken as the order
     * (Javelin does not yet restore the order after the first boot); {@code strict} is accepted
     * and has no effect, as SeaBIOS's HALT entry is not generated.
     */
    public static BootOptions parse(String argument) {
        String order = DEFAULT.order();
        boolean menu = false;
        int splash = -1;
        int reboot = -1;
        String[] items = argument.split(",");
        for (int i = 0; i < items.length; i++) {
            String item = items[i].strip();
            int eq = item.indexOf('=');
            String key = eq < 0 ? (i == 0 ? "order" : item) : item.substring(0, eq);
            String value = eq < 0 ? item : item.substring(eq + 1);
            switch (key) {
                case "order", "once" -> order = value;
                case "menu" -> menu = onOff(key, value);
                case "splash-time" -> splash = millis(key, value);
                case "reboot-timeout" -> reboot = millis(key, value);
                case "strict" -> onOff(key, value);
                default -> throw new IllegalArgumentException("-boot: unknown option '" + key + "' in " + argument);
            }
        }
        return new BootOptions(order, menu, splash, reboot, List.of());
    }

    private static boolean onOff(String key, String value) {
        return switch (value) {
            case "on" -> true;
            case "off" -> false;
            default -> throw new IllegalArgumentException("-boot " + key + "= takes on or off, not " + value);
        };
    }

    private static int millis(String key, String value) {
        try {
            int ms = Integer.parseInt(value);
            if (ms < -1) throw new NumberFormatException();
            return ms;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-boot " + key + "= takes milliseconds, not " + value);
        }
    }

    /** These options with {@code path} first in the {@code bootorder} file (as QEMU's bootindex=0). */
    public BootOptions withFirstDevice(String path) {
        List<String> paths = new ArrayList<>();
        paths.add(path);
        devicePaths.stream().filter(p -> !p.equals(path)).forEach(paths::add);
        return new BootOptions(order, menu, splashTimeMs, rebootTimeoutMs, paths);
    }
}
