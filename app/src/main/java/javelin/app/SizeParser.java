package javelin.app;

import javelin.machine.MachineConfigException;

/** QEMU's size syntax for {@code -m}: a number with an optional suffix; no suffix means MiB. */
final class SizeParser {
    private SizeParser() { }

    static long parseMemory(String text) {
        String t = text.trim();
        if (t.startsWith("size=")) t = t.substring(5);
        if (t.isEmpty()) throw new MachineConfigException("-m: empty size");
        char last = Character.toUpperCase(t.charAt(t.length() - 1));
        long unit = switch (last) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            case 'G' -> 1L << 30;
            case 'T' -> 1L << 40;
            case 'B' -> 1;
            default -> -1;
        };
        String digits = unit == -1 ? t : t.substring(0, t.length() - 1);
        if (unit == -1) unit = 1L << 20;
        try {
            long n = Long.parseLong(digits);
            if (n <= 0) throw new NumberFormatException();
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new MachineConfigException("-m: '" + text + "' is not a memory size (e.g. 128, 512M, 1G)");
        }
    }
}
