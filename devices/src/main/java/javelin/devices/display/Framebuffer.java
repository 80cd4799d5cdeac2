package javelin.devices.display;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The screen as opaque ARGB pixels ({@code 0xFFRRGGBB}, row-major, stride = width), shared by
 * every front end: the JavaFX window, the VNC server and screendumps read it; only
 * {@link VgaRenderer} writes it.
 *
 * <p>Dirty tracking: each consumer takes its own {@link DirtyTracker}, so two consumers never
 * steal each other's updates. The renderer writes a row at a time; a row write compares with
 * the current pixels and marks only the changed span in every tracker. A size change marks
 * everything and sets the tracker's {@code resized} flag.
 *
 * <p>Invariants: [FB-1] pixels, size and every tracker's region change only under
 * {@link #lock}, so a consumer that copies the region it just took sees whole rows of one
 * frame at worst mixed with newer rows, never a torn size. [FB-2] Consumers never write pixels
 * or device state: the UI thread only reads (DESIGN.md, "the UI thread never changes device
 * state").
 */
public final class Framebuffer {
    /** A rectangle of pixels; {@code width}/{@code height} are positive. */
    public record Rect(int x, int y, int width, int height) { }

    /** What changed since the consumer last asked: the bounding box and whether the size changed. */
    public record Dirty(Rect region, boolean resized, int screenWidth, int screenHeight) { }

    /** A consistent copy of the whole screen (screendumps): size and pixels from one instant. */
    public record Capture(int width, int height, int[] pixels) { }

    private final Object lock = new Object();
    private int width;                        // guarded by lock
    private int height;                       // guarded by lock
    private int[] pixels = new int[0];        // guarded by lock
    private final List<DirtyTracker> trackers = new CopyOnWriteArrayList<>();
    private final List<Runnable> frameListeners = new CopyOnWriteArrayList<>();

    public Framebuffer(int width, int height) {
        resize(width, height);
    }

    public int width() {
        synchronized (lock) {
            return width;
        }
    }

    public int height() {
        synchronized (lock) {
            return height;
        }
    }

    /** A new, independent dirty tracker that starts with the whole screen dirty. */
    public DirtyTracker newDirtyTracker() {
        DirtyTracker t = new DirtyTracker();
        synchronized (lock) {
            t.markAll(true);
        }
        trackers.add(t);
        return t;
    }

    /** Stops tracking for a consumer that has gone away. */
    public void removeDirtyTracker(DirtyTracker tracker) {
        trackers.remove(tracker);
    }

    /** Called after each rendered frame that changed something (on the rendering thread). */
    public void addFrameListener(Runnable listener) {
        frameListeners.add(listener);
    }

    /** One pixel, for tests and screendumps of small regions. */
    public int pixel(int x, int y) {
        synchronized (lock) {
            return pixels[y * width + x];
        }
    }

    /** Size and pixels together, so a resize cannot fall between reading one and the other. */
    public Capture capture() {
        synchronized (lock) {
            return new Capture(width, height, pixels.clone());
        }
    }

    /** A copy of the whole screen, {@code width*height} pixels. */
    public int[] copyPixels() {
        synchronized (lock) {
            return pixels.clone();
        }
    }

    /**
     * Copies a region into {@code dst} at {@code dstOffset} with {@code dstStride} ints per row;
     * a region reaching outside the screen (after a resize) is clipped. Returns the rows copied.
     */
    public int copyPixels(Rect r, int[] dst, int dstOffset, int dstStride) {
        synchronized (lock) {
            int x0 = Math.max(0, r.x());
            int y0 = Math.max(0, r.y());
            int x1 = Math.min(width, r.x() + r.width());
            int y1 = Math.min(height, r.y() + r.height());
            if (x1 <= x0 || y1 <= y0) return 0;
            for (int y = y0; y < y1; y++) {
                System.arraycopy(pixels, y * width + x0, dst, dstOffset + (y - y0) * dstStride, x1 - x0);
            }
            return y1 - y0;
        }
    }

    // ---- the renderer's side ----

    /** Changes the screen size; the new screen is black and wholly dirty. */
    void resize(int newWidth, int newHeight) {
        if (newWidth <= 0 || newHeight <= 0) throw new IllegalArgumentException(newWidth + "x" + newHeight);
        synchronized (lock) {
            if (newWidth == width && newHeight == height) return;
            width = newWidth;
            height = newHeight;
            pixels = new int[newWidth * newHeight];
            Arrays.fill(pixels, 0xFF00_0000);
            for (DirtyTracker t : trackers) t.markAll(true);
        }
    }

    /** Writes row {@code y} from {@code src[0..width)}, marking the span that differs. */
    void writeRow(int y, int[] src) {
        synchronized (lock) {
            if (y < 0 || y >= height) return;
            int base = y * width;
            int first = Arrays.mismatch(pixels, base, base + width, src, 0, width);
            if (first < 0) return;
            int last = width - 1;
            while (last > first && pixels[base + last] == src[last]) last--;
            System.arraycopy(src, first, pixels, base + first, last - first + 1);
            for (DirtyTracker t : trackers) t.mark(first, y, last + 1, y + 1);
        }
    }

    /** Tells frame listeners that a frame is complete. */
    void endFrame() {
        for (Runnable r : frameListeners) r.run();
    }

    /** One consumer's accumulated dirty region. Thread-safe; see the class invariants. */
    public final class DirtyTracker {
        private int x0 = Integer.MAX_VALUE;   // guarded by Framebuffer.lock
        private int y0 = Integer.MAX_VALUE;
        private int x1;
        private int y1;
        private boolean resized;

        private DirtyTracker() { }

        private void markAll(boolean sizeChanged) {
            x0 = 0;
            y0 = 0;
            x1 = width;
            y1 = height;
            resized |= sizeChanged;
        }

        private void mark(int ax0, int ay0, int ax1, int ay1) {
            x0 = Math.min(x0, ax0);
            y0 = Math.min(y0, ay0);
            x1 = Math.max(x1, ax1);
            y1 = Math.max(y1, ay1);
        }

        /** Returns and clears what changed since the last call, or null if nothing did. */
        public Dirty take() {
            synchronized (lock) {
                if (x1 <= x0 || y1 <= y0) {
                    if (!resized) return null;
                }
                Rect r = x1 > x0 && y1 > y0 ? new Rect(x0, y0, x1 - x0, y1 - y0) : new Rect(0, 0, width, height);
                Dirty d = new Dirty(r, resized, width, height);
                x0 = Integer.MAX_VALUE;
                y0 = Integer.MAX_VALUE;
                x1 = 0;
                y1 = 0;
                resized = false;
                return d;
            }
        }
    }
}
