package javelin.ui.qmp;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javelin.machine.MachineControl;

/**
 * The few HMP commands {@code human-monitor-command} runs: {@code info registers [-a]},
 * {@code info cpus}, {@code info status} and the memory dumps {@code xp} (physical) and
 * {@code x} (virtual, through the first vCPU's page tables). Output follows QEMU's HMP text
 * so scripts that scrape it keep working; errors come back as text, as in QEMU.
 *
 * <p>As QEMU's {@code memory_dump}, a dump reads one output line at a time, and a line whose
 * bytes are not all mapped prints "Cannot access memory" and ends the dump. Virtual addresses
 * print in 8 hex digits, the width of an i386 target's {@code target_ulong}; physical ones in 16.
 */
final class HumanMonitor {
    /** QEMU prints 8 values per line for bytes, 16 bytes' worth otherwise ({@code memory_dump}). */
    private static final int LINE_BYTES_FOR_BYTES = 8;
    private static final int LINE_BYTES = 16;
    /** A dump larger than this is refused; QEMU has no limit, but a reply must fit in memory. */
    private static final int MAX_DUMP_BYTES = 1 << 20;

    private final MachineControl machine;
    private char lastFormat = 'x';
    private int lastSize = 4;

    HumanMonitor(MachineControl machine) {
        this.machine = machine;
    }

    String run(String commandLine) {
        String line = commandLine.strip();
        String[] words = line.split("\\s+");
        return switch (words[0]) {
            case "info" -> info(words);
            case "xp" -> memoryDump("xp", line.substring(2).strip(), true);
            case "x" -> memoryDump("x", line.substring(1).strip(), false);
            case "help", "?" -> "info registers [-a] -- show the cpu registers\ninfo cpus -- show infos for each CPU\n"
                    + "info status -- show the current VM status\nx /fmt addr -- virtual memory dump starting at 'addr'\n"
                    + "xp /fmt addr -- physical memory dump starting at 'addr'\n";
            case "" -> "";
            default -> "unknown command: '" + words[0] + "'\n";
        };
    }

    private String info(String[] words) {
        if (words.length < 2) return "info: missing item (registers, cpus, status)\n";
        List<MachineControl.CpuInfo> cpus = machine.cpus();
        return switch (words[1]) {
            case "registers" -> {
                boolean all = words.length > 2 && words[2].equals("-a");
                StringBuilder sb = new StringBuilder();
                for (MachineControl.CpuInfo c : cpus) {
                    if (all) sb.append("\nCPU#").append(c.index()).append('\n');
                    sb.append(c.registerDump());
                    if (!c.registerDump().endsWith("\n")) sb.append('\n');
                    if (!all) break;
                }
                yield sb.toString();
            }
            case "cpus" -> {
                StringBuilder sb = new StringBuilder();
                for (MachineControl.CpuInfo c : cpus) {
                    sb.append(c == cpus.getFirst() ? "* " : "  ").append("CPU #").append(c.index())
                            .append(String.format(Locale.ROOT, ": pc=0x%08x", c.eip()))
                            .append(c.halted() ? " (halted)" : "").append('\n');
                }
                yield sb.toString();
            }
            case "status" -> "VM status: " + switch (machine.runState()) {
                case RUNNING -> "running";
                case PAUSED -> "paused";
                case SHUTDOWN -> "shutdown";
            } + "\n";
            default -> "info: unknown item '" + words[1] + "'\n";
        };
    }

    /** {@code xp|x /NFU ADDR}: N values of format F (x d u o c) and unit U (b h w g). */
    private String memoryDump(String name, String args, boolean physical) {
        int count = 1;
        char format = lastFormat;
        int size = lastSize;
        String rest = args;
        if (rest.startsWith("/")) {
            int end = rest.indexOf(' ');
            if (end < 0) return name + ": missing address\n";
            String fmt = rest.substring(1, end);
            rest = rest.substring(end).strip();
            int i = 0;
            while (i < fmt.length() && Character.isDigit(fmt.charAt(i))) i++;
            if (i > 0) {
                try {
                    count = Integer.parseInt(fmt.substring(0, i));
                } catch (NumberFormatException e) {
                    return name + ": bad count\n";
                }
            }
            for (; i < fmt.length(); i++) {
                char ch = fmt.charAt(i);
                switch (ch) {
                    case 'x', 'd', 'u', 'o', 'c' -> format = ch;
                    case 'b' -> size = 1;
                    case 'h' -> size = 2;
                    case 'w' -> size = 4;
                    case 'g' -> size = 8;
                    default -> {
                        return "invalid char in format: '" + ch + "'\n";
                    }
                }
            }
        }
        if (format == 'c') size = 1;
        long address;
        try {
            address = Long.decode(rest);
        } catch (NumberFormatException e) {
            return name + ": bad address '" + rest + "'\n";
        }
        long total = (long) count * size;
        if (count < 1 || total > MAX_DUMP_BYTES) return name + ": count out of range\n";
        lastFormat = format;
        lastSize = size;
        if (!physical) address &= 0xFFFF_FFFFL;      // an i386 linear address
        int lineBytes = size == 1 ? LINE_BYTES_FOR_BYTES : LINE_BYTES;
        String addressFormat = physical ? "%016x:" : "%08x:";
        StringBuilder sb = new StringBuilder();
        for (int line = 0; line < total; line += lineBytes) {
            int length = (int) Math.min(lineBytes, total - line);
            long lineAddress = address + line;
            sb.append(String.format(Locale.ROOT, addressFormat, physical ? lineAddress : lineAddress & 0xFFFF_FFFFL));
            Optional<byte[]> bytes = physical ? Optional.of(machine.readPhysical(lineAddress, length))
                    : machine.readVirtual(lineAddress, length);
            if (bytes.isEmpty()) return sb.append(" Cannot access memory\n").toString();
            byte[] mem = bytes.get();
            for (int off = 0; off < length; off += size) {
                long v = 0;
                for (int b = size - 1; b >= 0; b--) v = (v << 8) | (mem[off + b] & 0xFF);   // little-endian guest
                sb.append(' ').append(formatValue(v, format, size));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String formatValue(long v, char format, int size) {
        int bits = size * 8;
        return switch (format) {
            case 'x' -> String.format(Locale.ROOT, "0x%0" + (size * 2) + "x", v);
            case 'o' -> "0" + Long.toOctalString(v);
            case 'u' -> Long.toUnsignedString(v);
            case 'd' -> Long.toString(bits == 64 ? v : (v << (64 - bits)) >> (64 - bits));
            default -> v >= 0x20 && v < 0x7F ? "'" + (char) v + "'" : String.format(Locale.ROOT, "'\\x%02x'", v);
        };
    }
}
