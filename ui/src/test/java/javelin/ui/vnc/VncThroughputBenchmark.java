package javelin.ui.vnc;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntBinaryOperator;
import javelin.ui.qmp.FakeMachine;

/**
 * Frames per second and bytes per frame a VNC client receives while the guest redraws the whole
 * 1024x768 screen in a loop, for each encoding and two kinds of screen. Not a unit test: run with
 * {@code main} (see docs/remote.md, "Measurement").
 *
 * <p>The "guest" is a thread repainting the framebuffer as fast as it can; the client is a socket
 * on loopback that reads everything and keeps one incremental update request outstanding per
 * read, as pipelining clients do. Because a session sends only the latest pixels, frames per
 * second is what the encoder and socket sustain, and the renderer's own rate is printed beside it
 * to show the guest was not slowed down.
 */
public final class VncThroughputBenchmark {
    private static final int WIDTH = 1024;
    private static final int HEIGHT = 768;

    private VncThroughputBenchmark() { }

    /** A text console: 8x16 cells of two colours, the characters changing every frame. */
    static IntBinaryOperator console(int frame) {
        return (x, y) -> {
            int cell = (x >> 3) + (y >> 4) * 128 + frame;
            int bit = (cell * 0x9E3779B1 >>> ((x & 7) + (y & 15))) & 1;
            return bit != 0 ? 0xAAAAAA : 0x0000AA;
        };
    }

    /** A photographic worst case: a moving colour gradient, no two neighbours equal. */
    static IntBinaryOperator gradient(int frame) {
        return (x, y) -> ((x + frame) & 0xFF) << 16 | ((y * 3 + frame) & 0xFF) << 8 | ((x ^ y) + frame) & 0xFF;
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        System.out.println("scene     encoding  client fps  KiB/frame  guest fps  encode ms (median, thread CPU)");
        for (String scene : new String[] {"console", "gradient"}) {
            for (int encoding : new int[] {Encoding.RAW, Encoding.HEXTILE, Encoding.ZRLE}) {
                run(scene, encoding, seconds);
            }
        }
    }

    private static void run(String scene, int encoding, double seconds) throws Exception {
        FakeMachine machine = new FakeMachine(WIDTH, HEIGHT);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        AtomicBoolean running = new AtomicBoolean(true);
        long[] frames = new long[1];
        Thread guest = Thread.ofPlatform().name("guest-redraw").start(() -> {
            for (int f = 0; running.get(); f++) {
                machine.paint(scene.equals("console") ? console(f) : gradient(f));
                frames[0]++;
            }
        });
        try (VncServer server = new VncServer(machine, group, VncOptions.loopback(0), new SecureRandom()).start();
             Socket s = new Socket("127.0.0.1", server.port())) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            in.readNBytes(12);
            out.write("RFB 003.008\n".getBytes(StandardCharsets.US_ASCII));
            in.readNBytes(2);
            out.write(1);
            in.readInt();
            out.write(1);
            in.readNBytes(4 + 16);
            in.readNBytes(in.readInt());
            out.write(new byte[] {2, 0, 0, 1});
            out.writeInt(encoding);
            byte[] request = {3, 1, 0, 0, 0, 0, (byte) (WIDTH >> 8), (byte) WIDTH, (byte) (HEIGHT >> 8), (byte) HEIGHT};
            out.write(request);
            out.flush();
            long startUpdates = server.updatesSent();
            long startBytes = server.updateBytesSent();
            long startFrames = frames[0];
            long t0 = System.nanoTime();
            long end = t0 + (long) (seconds * 1e9);
            byte[] buf = new byte[1 << 16];
            InputStream raw = s.getInputStream();
            while (System.nanoTime() < end) {
                if (raw.read(buf) < 0) break;
                out.write(request);
            }
            double dt = (System.nanoTime() - t0) / 1e9;
            long updates = server.updatesSent() - startUpdates;
            long bytes = server.updateBytesSent() - startBytes;
            System.out.printf(Locale.ROOT, "%-9s %-9s %10.1f %10.1f %10.1f %10.1f%n", scene, name(encoding), updates / dt,
                    updates == 0 ? 0.0 : bytes / 1024.0 / updates, (frames[0] - startFrames) / dt, encodeMillis(scene, encoding));
        } finally {
            running.set(false);
            guest.join();
            group.shutdownGracefully().syncUninterruptibly();
        }
    }

    /**
     * The encoder alone on one thread, in thread CPU time: on a shared, loaded machine this is the
     * stable figure, while frames per second also measure everyone else's builds.
     */
    private static double encodeMillis(String scene, int encoding) {
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        int[] px = new int[WIDTH * HEIGHT];
        HextileEncoder hextile = new HextileEncoder();
        double[] ms = new double[30];
        try (ZrleEncoder zrle = new ZrleEncoder()) {
            for (int f = 0; f < ms.length; f++) {
                IntBinaryOperator op = scene.equals("console") ? console(f) : gradient(f);
                for (int y = 0; y < HEIGHT; y++) {
                    for (int x = 0; x < WIDTH; x++) px[y * WIDTH + x] = PixelFormat.SERVER.convert(op.applyAsInt(x, y));
                }
                io.netty.buffer.ByteBuf out = io.netty.buffer.Unpooled.buffer(WIDTH * HEIGHT * 4);
                long t0 = mx.getCurrentThreadCpuTime();
                switch (encoding) {
                    case Encoding.HEXTILE -> hextile.encode(px, WIDTH, HEIGHT, PixelFormat.SERVER, out);
                    case Encoding.ZRLE -> zrle.encode(px, WIDTH, HEIGHT, PixelFormat.SERVER, out);
                    default -> {
                        for (int p : px) PixelFormat.SERVER.writePixel(out, p);
                    }
                }
                ms[f] = (mx.getCurrentThreadCpuTime() - t0) / 1e6;
                out.release();
            }
        }
        java.util.Arrays.sort(ms);
        return ms[ms.length / 2];
    }

    private static String name(int encoding) {
        return switch (encoding) {
            case Encoding.RAW -> "raw";
            case Encoding.HEXTILE -> "hextile";
            default -> "zrle";
        };
    }

}
