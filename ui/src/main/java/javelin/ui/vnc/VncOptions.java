package javelin.ui.vnc;

import java.util.Locale;

/**
 * The {@code -vnc} option as QEMU spells it: {@code [HOST]:DISPLAY[,password=on][,websocket=on|PORT|HOST:PORT]
 * [,share=allow-exclusive|force-shared|ignore][,password-secret=ID]}. Display N is TCP port 5900+N;
 * {@code websocket=on} is port 5700+N (QEMU's default). An empty host is 127.0.0.1 (the issue: bind
 * loopback unless the user names an address), where QEMU would bind every interface.
 *
 * @param passwordSecret the id of a {@code -object secret} the application resolves and passes to
 *                       {@link VncServer#setPassword}; null when not given
 * @param websocketPort  -1 without a WebSocket listener; 0 asks the kernel for a port (tests)
 */
public record VncOptions(String host, int port, boolean password, String passwordSecret,
                         String websocketHost, int websocketPort, Share share) {
    static final int BASE_PORT = 5900;
    static final int WEBSOCKET_BASE_PORT = 5700;
    static final String LOOPBACK = "127.0.0.1";

    /** QEMU's {@code share=} policies for the ClientInit shared flag. */
    public enum Share {
        /** An exclusive client (shared flag 0) disconnects the others (QEMU's default). */
        ALLOW_EXCLUSIVE,
        /** Every client is treated as shared. */
        FORCE_SHARED,
        /** The flag is ignored; same as FORCE_SHARED for a server without a sharing limit. */
        IGNORE
    }

    public VncOptions {
        if (port < 0 || port > 0xFFFF) throw new IllegalArgumentException("-vnc: port " + port + " out of range");
        if (websocketPort < -1 || websocketPort > 0xFFFF) throw new IllegalArgumentException("-vnc: websocket port out of range");
    }

    /** Loopback on {@code port} without password or WebSocket (tests pass port 0). */
    public static VncOptions loopback(int port) {
        return new VncOptions(LOOPBACK, port, false, null, null, -1, Share.ALLOW_EXCLUSIVE);
    }

    public VncOptions withPassword() {
        return new VncOptions(host, port, true, passwordSecret, websocketHost, websocketPort, share);
    }

    public VncOptions withWebsocket(int wsPort) {
        return new VncOptions(host, port, password, passwordSecret, host, wsPort, share);
    }

    public static VncOptions parse(String spec) {
        String[] parts = spec.split(",");
        String display = parts[0];
        int colon = display.lastIndexOf(':');
        if (colon < 0) throw new IllegalArgumentException("-vnc: '" + spec + "' is not [HOST]:DISPLAY");
        String host = display.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        if (host.isEmpty()) host = LOOPBACK;
        int number = number(display.substring(colon + 1), spec);
        if (number < 0 || BASE_PORT + number > 0xFFFF) throw new IllegalArgumentException("-vnc: display " + number + " out of range");
        boolean password = false;
        String secret = null;
        String wsHost = null;
        int wsPort = -1;
        Share share = Share.ALLOW_EXCLUSIVE;
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            int eq = p.indexOf('=');
            String key = eq < 0 ? p : p.substring(0, eq);
            String value = eq < 0 ? "on" : p.substring(eq + 1);
            switch (key) {
                case "password" -> password = onOff(value, spec);
                case "password-secret" -> {
                    password = true;
                    secret = value;
                }
                case "websocket" -> {
                    wsHost = host;
                    if (value.equals("on")) {
                        wsPort = WEBSOCKET_BASE_PORT + number;
                    } else if (value.contains(":")) {
                        int c = value.lastIndexOf(':');
                        if (c > 0) wsHost = value.substring(0, c);
                        wsPort = number(value.substring(c + 1), spec);
                    } else {
                        wsPort = number(value, spec);
                    }
                }
                case "share" -> share = switch (value) {
                    case "allow-exclusive" -> Share.ALLOW_EXCLUSIVE;
                    case "force-shared" -> Share.FORCE_SHARED;
                    case "ignore" -> Share.IGNORE;
                    default -> throw new IllegalArgumentException("-vnc: share=" + value + " is not allow-exclusive, force-shared or ignore");
                };
                default -> throw new IllegalArgumentException("-vnc: unknown option '" + key + "' in '" + spec + "'");
            }
        }
        return new VncOptions(host, BASE_PORT + number, password, secret, wsHost, wsPort, share);
    }

    private static int number(String s, String spec) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-vnc: bad number '" + s + "' in '" + spec + "'", e);
        }
    }

    private static boolean onOff(String v, String spec) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "on", "yes", "true" -> true;
            case "off", "no", "false" -> false;
            default -> throw new IllegalArgumentException("-vnc: '" + v + "' is not on/off in '" + spec + "'");
        };
    }
}
