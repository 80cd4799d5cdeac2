package javelin.ui.chardev;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A socket character device as QEMU spells it: {@code tcp:[HOST]:PORT[,server=on|off][,wait=on|off]
 * [,telnet=on|off]} or {@code unix:PATH[,server=on][,wait=off]}. QEMU's older flag forms
 * ({@code ,server}, {@code ,nowait}, {@code ,telnet}) are accepted too.
 *
 * <p>An empty host ({@code tcp::4444}) binds 127.0.0.1, not every interface as QEMU does: the
 * issue asks that nothing listens beyond loopback unless the user names an address.
 *
 * @param host  the TCP host (null for unix)
 * @param port  the TCP port (0 for unix; 0 for TCP asks the kernel for a free port)
 * @param path  the unix socket path (null for TCP)
 * @param server listen (true) or connect to a peer (false)
 * @param waitForClient with {@code server}, the launcher waits for the first client before the
 *                      guest starts (QEMU's default {@code wait=on})
 * @param telnet negotiate telnet options and strip them from the input
 */
public record SocketSpec(String host, int port, Path path, boolean server, boolean waitForClient, boolean telnet) {
    public static final String LOOPBACK = "127.0.0.1";

    public SocketSpec {
        if ((host == null) == (path == null)) throw new IllegalArgumentException("a socket is either tcp or unix");
        if (port < 0 || port > 0xFFFF) throw new IllegalArgumentException("port " + port + " out of range");
    }

    public boolean isUnix() {
        return path != null;
    }

    /** Parses {@code tcp:...} or {@code unix:...}; {@code option} names the flag in error messages. */
    public static SocketSpec parse(String option, String spec) {
        String[] parts = spec.split(",", -1);
        Map<String, String> opts = options(option, parts);
        boolean server = flag(option, opts, "server", false);
        // QEMU: "nowait" is the old spelling of wait=off; wait defaults to on for servers.
        boolean wait = opts.containsKey("nowait") ? false : flag(option, opts, "wait", true);
        boolean telnet = flag(option, opts, "telnet", false);
        opts.keySet().removeAll(java.util.List.of("server", "wait", "nowait", "telnet", "nodelay"));
        if (!opts.isEmpty()) throw new IllegalArgumentException(option + ": unknown socket option(s) " + opts.keySet());
        String address = parts[0];
        if (address.startsWith("tcp:")) {
            String hostPort = address.substring(4);
            int colon = hostPort.lastIndexOf(':');
            if (colon < 0) throw new IllegalArgumentException(option + ": '" + spec + "' lacks a port (tcp:HOST:PORT)");
            String host = hostPort.substring(0, colon);
            if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
            if (host.isEmpty()) host = LOOPBACK;
            int port;
            try {
                port = Integer.parseInt(hostPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(option + ": bad port in '" + spec + "'", e);
            }
            if (port < 0 || port > 0xFFFF) throw new IllegalArgumentException(option + ": port " + port + " out of range");
            return new SocketSpec(host, port, null, server, server && wait, telnet);
        }
        if (address.startsWith("unix:") && address.length() > 5) {
            return new SocketSpec(null, 0, Path.of(address.substring(5)), server, server && wait, telnet);
        }
        throw new IllegalArgumentException(option + ": '" + spec + "' is not tcp:HOST:PORT or unix:PATH");
    }

    private static Map<String, String> options(String option, String[] parts) {
        Map<String, String> opts = new LinkedHashMap<>();
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i];
            int eq = p.indexOf('=');
            if (eq < 0) {
                opts.put(p, "on");
            } else {
                opts.put(p.substring(0, eq), p.substring(eq + 1));
            }
        }
        return opts;
    }

    private static boolean flag(String option, Map<String, String> opts, String name, boolean dflt) {
        String v = opts.get(name);
        if (v == null) return dflt;
        return switch (v) {
            case "on", "yes", "true" -> true;
            case "off", "no", "false" -> false;
            default -> throw new IllegalArgumentException(option + ": " + name + "=" + v + " is not on/off");
        };
    }

    /** The address to bind or connect to. */
    public SocketAddress address() {
        return isUnix() ? UnixDomainSocketAddress.of(path) : new InetSocketAddress(host, port);
    }

    /**
     * Binds a listening socket whose accepted connections get {@code childHandler}; a stale
     * unix socket file is removed first (as QEMU does). Blocks until bound; fails with a message
     * naming the address.
     */
    public Channel listen(EventLoopGroup group, ChannelHandler childHandler) {
        if (isUnix()) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove stale socket " + path, e);
            }
        }
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(isUnix() ? NioServerDomainSocketChannel.class : NioServerSocketChannel.class)
                .childHandler(childHandler);
        if (!isUnix()) b.option(ChannelOption.SO_REUSEADDR, true).childOption(ChannelOption.TCP_NODELAY, true);
        try {
            return b.bind(address()).sync().channel();
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + this + ": " + e.getMessage(), e);
        }
    }

    /** Connects to a listening peer (a client-mode chardev). */
    public Channel connect(EventLoopGroup group, ChannelHandler handler) {
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(isUnix() ? NioDomainSocketChannel.class : NioSocketChannel.class)
                .handler(handler);
        try {
            return b.connect(address()).sync().channel();
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to " + this + ": " + e.getMessage(), e);
        }
    }

    /** Removes the socket file of a unix listener after it closed (QEMU does the same). */
    public void unlink() {
        if (!isUnix()) return;
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            System.getLogger(SocketSpec.class.getName()).log(System.Logger.Level.WARNING, "cannot remove socket " + path, e);
        }
    }

    /** The port actually bound (useful with port 0), from a channel {@link #listen} returned. */
    public static int boundPort(Channel listener) {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override public String toString() {
        return isUnix() ? "unix:" + path : "tcp:" + host + ":" + port;
    }
}
