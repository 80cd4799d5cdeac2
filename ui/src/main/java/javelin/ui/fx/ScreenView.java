package javelin.ui.fx;

import java.nio.IntBuffer;
import javafx.animation.AnimationTimer;
import javafx.geometry.Rectangle2D;
import javafx.scene.image.ImageView;
import javafx.scene.image.PixelBuffer;
import javafx.scene.image.PixelFormat;
import javafx.scene.image.WritableImage;
import javafx.scene.layout.Background;
import javafx.scene.layout.Region;
import javafx.scene.paint.Color;
import javelin.devices.display.Framebuffer;

/**
 * The guest screen: a copy of the shared {@link Framebuffer} at the guest's resolution, scaled
 * into the space the window gives it ({@link ScreenScale}), black around it.
 *
 * <p>The copy is an {@code int[]} wrapped by a {@link PixelBuffer} that the image shares, so a
 * frame costs one copy of the dirty rectangle and no conversion: framebuffer pixels are opaque
 * {@code 0xFFRRGGBB}, which is already the premultiplied ARGB the pixel buffer demands. A mode
 * change (the tracker's {@code resized}) allocates a buffer of the new size.
 *
 * <p>Invariants: [SV-1] Runs on the JavaFX thread only. [SV-2] Reads the framebuffer through its
 * own dirty tracker and {@link Framebuffer#copyPixels}, which take only the framebuffer's lock,
 * never the machine lock, and change no device state (DESIGN.md, "Front ends"). [SV-3] At most
 * one refresh per 1/60 s, however fast the host's pulses come.
 */
final class ScreenView extends Region {
    /** The shortest time between two refreshes: 60 frames per second. */
    static final long FRAME_NANOS = 1_000_000_000L / 60;

    private final Framebuffer framebuffer;
    private final Framebuffer.DirtyTracker tracker;
    private final ImageView imageView = new ImageView();
    private final AnimationTimer timer;
    private ScreenScale.Mode mode = ScreenScale.Mode.FIT;
    private int[] pixels;                     // the image's backing store, width*height
    private PixelBuffer<IntBuffer> buffer;
    private int width;                        // guest resolution of the current buffer
    private int height;
    private long lastRefresh;
    private boolean refreshedOnce;

    ScreenView(Framebuffer framebuffer) {
        this.framebuffer = framebuffer;
        this.tracker = framebuffer.newDirtyTracker();
        setBackground(Background.fill(Color.BLACK));
        imageView.setPreserveRatio(false);
        getChildren().add(imageView);
        timer = new AnimationTimer() {
            @Override public void handle(long now) {
                pulse(now);
            }
        };
        refresh();
    }

    /** Starts following the framebuffer. */
    void start() {
        timer.start();
    }

    /** Stops following it for good and lets the framebuffer forget this consumer. */
    void stop() {
        timer.stop();
        framebuffer.removeDirtyTracker(tracker);
    }

    ScreenScale.Mode mode() {
        return mode;
    }

    void setMode(ScreenScale.Mode mode) {
        this.mode = mode;
        requestLayout();
    }

    /** The guest resolution currently shown. */
    int guestWidth() {
        return width;
    }

    int guestHeight() {
        return height;
    }

    /** Host pixels per guest pixel as currently laid out. */
    double scale() {
        return ScreenScale.of(mode, width, height, getWidth(), getHeight()).scale();
    }

    /** One animation pulse at {@code now} (nanoseconds); refreshes if a frame time has passed. */
    void pulse(long now) {
        if (refreshedOnce && now - lastRefresh < FRAME_NANOS) return;
        refreshedOnce = true;
        lastRefresh = now;
        refresh();
    }

    /**
     * Copies what changed since the last refresh into the image; returns false if nothing did.
     * A resize seen here is drawn whole; one that happens during the copy is clipped by
     * {@link Framebuffer#copyPixels} and reported again by the next {@code take()}.
     */
    boolean refresh() {
        Framebuffer.Dirty dirty = tracker.take();
        if (dirty == null) return false;
        if (buffer == null || dirty.screenWidth() != width || dirty.screenHeight() != height) {
            allocate(dirty.screenWidth(), dirty.screenHeight());
            return true;
        }
        Framebuffer.Rect r = clip(dirty.region());
        if (r == null) return false;
        buffer.updateBuffer(b -> {
            framebuffer.copyPixels(r, pixels, r.y() * width + r.x(), width);
            return new Rectangle2D(r.x(), r.y(), r.width(), r.height());
        });
        return true;
    }

    private Framebuffer.Rect clip(Framebuffer.Rect r) {
        int x0 = Math.max(0, r.x());
        int y0 = Math.max(0, r.y());
        int x1 = Math.min(width, r.x() + r.width());
        int y1 = Math.min(height, r.y() + r.height());
        return x1 > x0 && y1 > y0 ? new Framebuffer.Rect(x0, y0, x1 - x0, y1 - y0) : null;
    }

    private void allocate(int newWidth, int newHeight) {
        width = newWidth;
        height = newHeight;
        pixels = new int[newWidth * newHeight];
        framebuffer.copyPixels(new Framebuffer.Rect(0, 0, newWidth, newHeight), pixels, 0, newWidth);
        buffer = new PixelBuffer<>(newWidth, newHeight, IntBuffer.wrap(pixels), PixelFormat.getIntArgbPreInstance());
        imageView.setImage(new WritableImage(buffer));
        requestLayout();
    }

    @Override protected void layoutChildren() {
        ScreenScale s = ScreenScale.of(mode, width, height, getWidth(), getHeight());
        imageView.setFitWidth(s.width());
        imageView.setFitHeight(s.height());
        // Smoothing blurs text; use it only when guest pixels do not map to whole host pixels.
        imageView.setSmooth(s.scale() != Math.rint(s.scale()));
        imageView.relocate(s.x(), s.y());
    }

    /** At 1:1 the view wants the guest resolution; it can shrink to anything. */
    @Override protected double computePrefWidth(double height) {
        return width;
    }

    @Override protected double computePrefHeight(double width) {
        return height;
    }

    @Override protected double computeMinWidth(double height) {
        return 0;
    }

    @Override protected double computeMinHeight(double width) {
        return 0;
    }
}
