package javelin.ui.qmp;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import javelin.devices.display.Framebuffer;
import javelin.devices.input.KeyCode;
import javelin.machine.MachineControl;

/**
 * A machine for front-end tests: records what the front end asked for and behaves like QEMU's
 * run-state machine (stop emits STOP, cont RESUME, reset RESET). Its framebuffer is drawn through
 * the renderer-side methods of {@link Framebuffer}, which are package-private in the devices
 * module, so this test helper reaches them by a private lookup.
 */
public final class FakeMachine implements MachineControl {
    private static final MethodHandle WRITE_ROW;
    private static final MethodHandle RESIZE;
    private static final MethodHandle END_FRAME;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.privateLookupIn(Framebuffer.class, MethodHandles.lookup());
            WRITE_ROW = l.findVirtual(Framebuffer.class, "writeRow", MethodType.methodType(void.class, int.class, int[].class));
            RESIZE = l.findVirtual(Framebuffer.class, "resize", MethodType.methodType(void.class, int.class, int.class));
            END_FRAME = l.findVirtual(Framebuffer.class, "endFrame", MethodType.methodType(void.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One recorded key or mouse event, or a power action. */
    public record Input(String what, KeyCode key, boolean pressed, int dx, int dy, int dz, int buttons) { }

    private volatile RunState state = RunState.RUNNING;
    private final List<EventListener> listeners = new CopyOnWriteArrayList<>();
    private final Framebuffer fb;
    public final LinkedBlockingQueue<Input> inputs = new LinkedBlockingQueue<>();
    public final List<String> actions = Collections.synchronizedList(new ArrayList<>());
    public final byte[] memory = new byte[0x10000];
    public volatile Path cdrom = Path.of("/images/debian.iso");
    /** When set, {@link #changeMedium} refuses every image with this message, as a machine refuses a bad image. */
    public volatile String refuseMedia;
    /** Counted down at the very end of {@link #quit}, which QMP runs on a thread of its own. */
    public final java.util.concurrent.CountDownLatch quitCalled = new java.util.concurrent.CountDownLatch(1);

    public FakeMachine(int width, int height) {
        fb = new Framebuffer(width, height);
        for (int i = 0; i < memory.length; i++) memory[i] = (byte) i;
    }

    /** Paints the whole screen with {@code pixel(x, y)} and ends the frame, as the renderer does. */
    public void paint(java.util.function.IntBinaryOperator pixel) {
        int w = fb.width();
        int h = fb.height();
        int[] row = new int[w];
        try {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) row[x] = 0xFF00_0000 | pixel.applyAsInt(x, y);
                WRITE_ROW.invoke(fb, y, row);
            }
            END_FRAME.invoke(fb);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    public void resize(int w, int h) {
        try {
            RESIZE.invoke(fb, w, h);
            END_FRAME.invoke(fb);
        } catch (Throwable t) {
            throw new AssertionError(t);
        }
    }

    private void fire(Event e) {
        for (EventListener l : listeners) l.onEvent(e);
    }

    @Override public RunState runState() {
        return state;
    }

    @Override public void pause() {
        actions.add("pause");
        if (state == RunState.RUNNING) {
            state = RunState.PAUSED;
            fire(Event.STOP);
        }
    }

    @Override public void resume() {
        actions.add("resume");
        if (state == RunState.PAUSED) {
            state = RunState.RUNNING;
            fire(Event.RESUME);
        }
    }

    @Override public void reset() {
        actions.add("reset");
        fire(Event.RESET);
    }

    @Override public void powerButton() {
        actions.add("powerdown");
        fire(Event.POWERDOWN);
    }

    @Override public void quit() {
        actions.add("quit");
        state = RunState.SHUTDOWN;
        fire(Event.SHUTDOWN);
        quitCalled.countDown();
    }

    @Override public void addEventListener(EventListener listener) {
        listeners.add(listener);
    }

    @Override public Framebuffer framebuffer() {
        return fb;
    }

    @Override public List<String> screenText() {
        return List.of();
    }

    @Override public void keyEvent(KeyCode key, boolean pressed) {
        inputs.add(new Input("key", key, pressed, 0, 0, 0, 0));
    }

    @Override public void mouseEvent(int dx, int dy, int dz, int buttons) {
        inputs.add(new Input("mouse", null, false, dx, dy, dz, buttons));
    }

    @Override public List<CpuInfo> cpus() {
        return List.of(new CpuInfo(0, false, "protected", 0x1000, "EAX=00000001 EBX=00000002\n"),
                new CpuInfo(1, true, "protected", 0xFE05B, "EAX=00000003 EBX=00000004\n"));
    }

    /** Retired instructions of the one vCPU and bytes read from the CD, for status-bar tests. */
    public volatile long retired;
    public volatile long cdBytesRead;

    @Override public long[] instructionsRetired() {
        return new long[] {retired};
    }

    @Override public List<DriveActivity> driveActivity() {
        return List.of(new DriveActivity("ide0-hd0", "disk", 0, 0), new DriveActivity("ide1-cd0", "cdrom", cdBytesRead, 0));
    }

    @Override public List<BlockInfo> blockDevices() {
        return List.of(new BlockInfo("ide0-hd0", "hd", false, false, Path.of("/images/disk.img")),
                new BlockInfo("ide1-cd0", "cdrom", true, true, cdrom));
    }

    @Override public void eject(String device) {
        actions.add("eject " + device);
        cdrom = null;
    }

    @Override public void changeMedium(String device, Path image) {
        if (refuseMedia != null) throw new IllegalArgumentException(refuseMedia);
        actions.add("change " + device + " " + image);
        cdrom = image;
    }

    /**
     * Linear addresses from {@link #KERNEL_BASE} map onto {@link #memory} one to one, as a
     * Linux kernel maps low memory at PAGE_OFFSET; every other linear address is unmapped.
     */
    @Override public java.util.Optional<byte[]> readVirtual(long address, int length) {
        long physical = address - KERNEL_BASE;
        if (physical < 0 || physical + length > memory.length) return java.util.Optional.empty();
        return java.util.Optional.of(readPhysical(physical, length));
    }

    public static final long KERNEL_BASE = 0xC000_0000L;

    @Override public byte[] readPhysical(long address, int length) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            long a = address + i;
            out[i] = a >= 0 && a < memory.length ? memory[(int) a] : (byte) 0xFF;
        }
        return out;
    }
}
