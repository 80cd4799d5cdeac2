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
import javelin.machine.CharDevSpec;

/**
 * Opens the sockets a {@link CharDevSpec.Socket} names, on a Netty event-loop group: listening
 * (a server) or connecting (a client), over TCP or a unix-domain path. Used by the serial ports,
 * the QMP monitor and the VNC server.
 */
public final class Sockets {
    private Sockets() { }

    /** The address to bind or connect to (a TCP host name is resolved here). */
    static SocketAddress address(CharDevSpec.Socket spec) {
        return switch (spec) {
            case CharDevSpec.Tcp t -> new InetSocketAddress(t.host(), t.port());
            case CharDevSpec.Unix u -> UnixDomainSocketAddress.of(u.path());
        };
    }

    /**
     * Binds a listening socket whose accepted connections get {@code childHandler}; a stale
     * unix socket file is removed first (as QEMU does). Blocks until bound; fails with an
     * {@link IllegalStateException} naming the address.
     */
    public static Channel listen(CharDevSpec.Socket spec, EventLoopGroup group, ChannelHandler childHandler) {
        if (spec instanceof CharDevSpec.Unix u) {
            try {
                Files.deleteIfExists(u.path());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove stale socket " + u.path(), e);
            }
        }
        boolean tcp = spec instanceof CharDevSpec.Tcp;
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(tcp ? NioServerSocketChannel.class : NioServerDomainSocketChannel.class)
                .childHandler(childHandler);
        if (tcp) b.option(ChannelOption.SO_REUSEADDR, true).childOption(ChannelOption.TCP_NODELAY, true);
        try {
            return b.bind(address(spec)).sync().channel();
        } catch (Exception e) {
            throw new IllegalStateException("cannot listen on " + spec.endpoint() + ": " + e.getMessage(), e);
        }
    }

    /** Connects to a listening peer (a client-mode chardev); fails with an {@link IllegalStateException}. */
    public static Channel connect(CharDevSpec.Socket spec, EventLoopGroup group, ChannelHandler handler) {
        Bootstrap b = new Bootstrap()
                .group(group)
                .channel(spec instanceof CharDevSpec.Tcp ? NioSocketChannel.class : NioDomainSocketChannel.class)
                .handler(handler);
        try {
            return b.connect(address(spec)).sync().channel();
        } catch (Exception e) {
            throw new IllegalStateException("cannot connect to " + spec.endpoint() + ": " + e.getMessage(), e);
        }
    }

    /** Removes the socket file of a unix listener after it closed (QEMU does the same). */
    public static void unlink(CharDevSpec.Socket spec) {
        if (!(spec instanceof CharDevSpec.Unix u)) return;
        try {
            Files.deleteIfExists(u.path());
        } catch (IOException e) {
            System.getLogger(Sockets.class.getName()).log(System.Logger.Level.WARNING, "cannot remove socket " + u.path(), e);
        }
    }

    /** The port actually bound (useful with port 0), from a channel {@link #listen} returned. */
    public static int boundPort(Channel listener) {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }
}
