package javelin.devices.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class FramebufferStressTest {
    private static final int W = 64;
    private static final int H = 64;
    private static final int FRAMES = 3000;

    @Test
    @DisplayName("[FB-1] consumers copying what they took never see a torn row, and lose no update")
    void consumersSeeWholeRowsAndTheFinalFrame() throws Exception {
        Framebuffer fb = new Framebuffer(W, H);
        Framebuffer.DirtyTracker[] trackers = {fb.newDirtyTracker(), fb.newDirtyTracker()};
        AtomicReference<String> failure = new AtomicReference<>();
        CountDownLatch writerDone = new CountDownLatch(1);
        int[][] mirrors = new int[trackers.length][W * H];

        Thread writer = Thread.ofPlatform().start(() -> {
            int[] row = new int[W];
            for (int f = 1; f <= FRAMES; f++) {
                for (int y = 0; y < H; y++) {
                    Arrays.fill(row, 0xFF00_0000 | f << 8 | y);
                    fb.writeRow(y, row);
                }
            }
            writerDone.countDown();
        });
        Thread[] readers = new Thread[trackers.length];
        for (int i = 0; i < trackers.length; i++) {
            Framebuffer.DirtyTracker t = trackers[i];
            int[] mirror = mirrors[i];
            readers[i] = Thread.ofPlatform().start(() -> {
                int[] buf = new int[W * H];
                boolean last = false;
                while (!last) {
                    last = writerDone.getCount() == 0;
                    Framebuffer.Dirty d = t.take();
                    if (d == null) continue;
                    Framebuffer.Rect r = d.region();
                    int rows = fb.copyPixels(r, buf, 0, r.width());
                    for (int y = 0; y < rows; y++) {
                        int first = buf[y * r.width()];
                        for (int x = 0; x < r.width(); x++) {
                            if (buf[y * r.width() + x] != first) failure.compareAndSet(null, "torn row " + (r.y() + y));
                            mirror[(r.y() + y) * W + r.x() + x] = buf[y * r.width() + x];
                        }
                    }
                }
            });
        }
        writer.join(TimeUnit.SECONDS.toMillis(60));
        for (Thread r : readers) r.join(TimeUnit.SECONDS.toMillis(60));
        assertEquals(null, failure.get());
        int[] finalFrame = fb.copyPixels();
        for (int[] mirror : mirrors) {
            assertNotNull(mirror);
            assertTrue(Arrays.equals(finalFrame, mirror), "a consumer's copy differs from the final frame");
        }
    }
}
