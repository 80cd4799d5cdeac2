package javelin.machine;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The back end of a character device (a serial port, the 0xE9 debug console, the POST-code log)
 * as QEMU's {@code -serial} and {@code -debugcon} spell it (qemu-options.hx, "-serial dev" and
 * "-chardev socket"). This is the one parser of that grammar; it gives one record per kind of
 * back end, and opening one is the front end's business (module ui switches over these records).
 * A pure value: nothing here touches the host.
 *
 * <pre>
 *   null | none          nothing connected: output is dropped, no input arrives
 *   stdio                the process's standard input and output
 *   vc                   a terminal in the machine window (QEMU's virtual console)
 *   file:PATH            output written to PATH (created or truncated); no input
 *   tcp:[HOST]:PORT[,server=on|off][,wait=on|off][,telnet=on|off][,nodelay=on|off]
 *   unix:PATH[,server=on|off][,wait=on|off][,telnet=on|off]
 * </pre>
 *
 * <p>Socket options as QEMU takes them: {@code server} listens instead of connecting; a server
 * waits for its first client before the guest starts unless {@code wait=off}; {@code telnet}
 * speaks the telnet protocol; {@code nodelay} is accepted and changes nothing (TCP_NODELAY is
 * always set). QEMU's older flag spellings ({@code ,server}, {@code ,nowait}, {@code ,telnet},
 * {@code ,nodelay}) are accepted too. Not accepted: QEMU's {@code telnet:}, {@code udp:},
 * {@code pty}, {@code pipe:} and {@code chardev:} forms.
 *
 * <p>An empty TCP host ({@code tcp::4444}) means 127.0.0.1, not every interface as in QEMU:
 * nothing listens beyond loopback unless the user names an address.
 *
 * <p>Each record's {@link Object#toString()} is its canonical spelling, which {@link #parse}
 * reads back to an equal record; error messages quote it.
 */
public sealed interface CharDevSpec {
    /** The host an empty TCP host stands for. */
    String LOOPBACK = "127.0.0.1";

    /** {@code null} or {@code none}: nothing connected. */
    record Null() implements CharDevSpec {
        @Override public String toString() {
            return "null";
        }
    }

    /** {@code stdio}: the process's standard input and output. */
    record Stdio() implements CharDevSpec {
        @Override public String toString() {
            return "stdio";
        }
    }

    /** {@code vc}: a terminal in the machine window; only the window can open it. */
    record VirtualConsole() implements CharDevSpec {
        @Override public String toString() {
            return "vc";
        }
    }

    /** {@code file:PATH}: output written to a file, created or truncated when opened. */
    record File(Path path) implements CharDevSpec {
        public File {
            if (path == null || path.toString().isEmpty()) throw new IllegalArgumentException("file: needs a path");
        }

        @Override public String toString() {
            return "file:" + path;
        }
    }

    /** A stream socket, listening or connecting: {@code tcp:} or {@code unix:}. */
    sealed interface Socket extends CharDevSpec {
        /** Listen for a client (true) or connect to a listening peer (false). */
        boolean server();

        /** With {@link #server}: the guest starts only once the first client is connected. */
        boolean waitForClient();

        /** Negotiate telnet options and strip them from the input (RFC 854). */
        boolean telnet();

        /** The address alone, as QEMU spells it ({@code tcp:HOST:PORT}, {@code unix:PATH}). */
        String endpoint();

        /** The options in canonical form, each with its leading comma; empty for a plain client. */
        default String options() {
            StringBuilder s = new StringBuilder();
            if (server()) s.append(",server=on").append(waitForClient() ? "" : ",wait=off");
            if (telnet()) s.append(",telnet=on");
            return s.toString();
        }
    }

    /**
     * {@code tcp:HOST:PORT}.
     *
     * @param port 0..65535; 0 for a server asks the kernel for a free port
     */
    record Tcp(String host, int port, boolean server, boolean waitForClient, boolean telnet) implements Socket {
        public Tcp {
            if (host == null || host.isEmpty()) throw new IllegalArgumentException("a TCP socket needs a host");
            if (port < 0 || port > 0xFFFF) throw new IllegalArgumentException("port " + port + " out of range");
            if (waitForClient && !server) throw new IllegalArgumentException("only a server waits for a client");
        }

        @Override public String endpoint() {
            return "tcp:" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }

        @Override public String toString() {
            return endpoint() + options();
        }
    }

    /** {@code unix:PATH}: a unix-domain stream socket. */
    record Unix(Path path, boolean server, boolean waitForClient, boolean telnet) implements Socket {
        public Unix {
            if (path == null || path.toString().isEmpty()) throw new IllegalArgumentException("unix: needs a path");
            if (waitForClient && !server) throw new IllegalArgumentException("only a server waits for a client");
        }

        @Override public String endpoint() {
            return "unix:" + path;
        }

        @Override public String toString() {
            return endpoint() + options();
        }
    }

    /**
     * Parses any back end; {@code option} ({@code -serial}, {@code -debugcon}) opens each error
     * message, which is one line for the user.
     *
     * @throws MachineConfigException if {@code text} names no back end or has a bad option
     */
    static CharDevSpec parse(String option, String text) {
        switch (text) {
            case "null", "none" -> {
                return new Null();
            }
            case "stdio" -> {
                return new Stdio();
            }
            case "vc" -> {
                return new VirtualConsole();
            }
            default -> { }
        }
        if (text.startsWith("file:") && text.length() > "file:".length()) {
            return new File(Path.of(text.substring("file:".length())));
        }
        if (text.startsWith("tcp:") || text.startsWith("unix:")) return parseSocket(option, text);
        throw new MachineConfigException(option + ": unknown back end '" + text
                + "' (use stdio, vc, file:PATH, tcp:HOST:PORT[,server=on], unix:PATH[,server=on] or null)");
    }

    /**
     * Parses a socket back end only, for options that take nothing else ({@code -qmp}).
     *
     * @throws MachineConfigException if {@code text} is not {@code tcp:...} or {@code unix:...}
     */
    static Socket parseSocket(String option, String text) {
        String[] parts = text.split(",", -1);
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq < 0) opts.put(parts[i], "on");                   // QEMU's flag spelling: ",server"
            else opts.put(parts[i].substring(0, eq), parts[i].substring(eq + 1));
        }
        boolean server = flag(option, opts, "server", false);
        // QEMU: "nowait" is the old spelling of wait=off; a server waits by default.
        boolean wait = !opts.containsKey("nowait") && flag(option, opts, "wait", true);
        boolean telnet = flag(option, opts, "telnet", false);
        flag(option, opts, "nodelay", true);
        opts.keySet().removeAll(List.of("server", "wait", "nowait", "telnet", "nodelay"));
        if (!opts.isEmpty()) throw new MachineConfigException(option + ": unknown socket option(s) " + opts.keySet());
        String address = parts[0];
        if (address.startsWith("tcp:")) {
            String hostPort = address.substring("tcp:".length());
            int colon = hostPort.lastIndexOf(':');
            if (colon < 0) throw new MachineConfigException(option + ": '" + text + "' lacks a port (tcp:HOST:PORT)");
            String host = hostPort.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            if (host.isEmpty()) host = LOOPBACK;
            int port;
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new MachineConfigException(option + ": bad port in '" + text + "'", e);
            }
            if (port < 0 || port > 0xFFFF) throw new MachineConfigException(option + ": port " + port + " out of range");
            return new Tcp(host, port, server, server && wait, telnet);
        }
        if (address.startsWith("unix:") && address.length() > "unix:".length()) {
            return new Unix(Path.of(address.substring("unix:".length())), server, server && wait, telnet);
        }
        throw new MachineConfigException(option + ": '" + text + "' is not tcp:HOST:PORT or unix:PATH");
    }

    private static boolean flag(String option, Map<String, String> opts, String name, boolean absent) {
        String v = opts.get(name);
        if (v == null) return absent;
        return switch (v) {
            case "on", "yes", "true" -> true;
            case "off", "no", "false" -> false;
            default -> throw new MachineConfigException(option + ": " + name + "=" + v + " is not on/off");
        };
    }
}
