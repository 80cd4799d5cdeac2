package javelin.devices.display;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class FramebufferTest {
    private static int[] row(int width, int value) {
        int[] r = new int[width];
        Arrays.fill(r, value);
        return r;
    }

    @Nested class DirtyTracking {
        @Test void aNewTrackerStartsWithTheWholeScreenDirty() {
            Framebuffer fb = new Framebuffer(16, 4);
            Framebuffer.Dirty d = fb.newDirtyTracker().take();
            assertEquals(new Framebuffer.Rect(0, 0, 16, 4), d.region());
        }

        @Test void rowWriteMarksOnlyTheSpanThatChanged() {
            Framebuffer fb = new Framebuffer(16, 4);
            Framebuffer.DirtyTracker t = fb.newDirtyTracker();
            t.take();
            int[] r = row(16, 0xFF00_0000);
            r[3] = 0xFF11_1111;
            r[9] = 0xFF22_2222;
            fb.writeRow(2, r);
            assertEquals(new Framebuffer.Rect(3, 2, 7, 1), t.take().region());
            assertNull(t.take());
        }

        @Test void rewritingIdenticalPixelsMarksNothing() {
            Framebuffer fb = new Framebuffer(8, 2);
            Framebuffer.DirtyTracker t = fb.newDirtyTracker();
            fb.writeRow(1, row(8, 0xFF12_3456));
            t.take();
            fb.writeRow(1, row(8, 0xFF12_3456));
            assertNull(t.take());
        }

        @Test void trackersAreIndependent() {
            Framebuffer fb = new Framebuffer(8, 8);
            Framebuffer.DirtyTracker window = fb.newDirtyTracker();
            Framebuffer.DirtyTracker vnc = fb.newDirtyTracker();
            window.take();
            vnc.take();
            fb.writeRow(5, row(8, 0xFFFF_FFFF));
            assertEquals(new Framebuffer.Rect(0, 5, 8, 1), window.take().region());
            assertEquals(new Framebuffer.Rect(0, 5, 8, 1), vnc.take().region());
        }

        @Test void regionsAccumulateIntoTheirBoundingBox() {
            Framebuffer fb = new Framebuffer(8, 8);
            Framebuffer.DirtyTracker t = fb.newDirtyTracker();
            t.take();
            int[] a = row(8, 0xFF00_0000);
            a[1] = -1;
            fb.writeRow(1, a);
            int[] c = row(8, 0xFF00_0000);
            c[6] = -1;
            fb.writeRow(6, c);
            assertEquals(new Framebuffer.Rect(1, 1, 6, 6), t.take().region());
        }

        @Test void resizeMarksEverythingAndReportsTheNewSize() {
            Framebuffer fb = new Framebuffer(8, 8);
            Framebuffer.DirtyTracker t = fb.newDirtyTracker();
            t.take();
            fb.resize(20, 10);
            Framebuffer.Dirty d = t.take();
            assertTrue(d.resized());
            assertEquals(new Framebuffer.Rect(0, 0, 20, 10), d.region());
            assertEquals(20, d.screenWidth());
            fb.writeRow(0, row(20, -1));
            assertFalse(t.take().resized());
        }
    }

    @Nested class Reading {
        @Test void copiesARegionWithAStride() {
            Framebuffer fb = new Framebuffer(4, 3);
            fb.writeRow(1, new int[] {1, 2, 3, 4});
            fb.writeRow(2, new int[] {5, 6, 7, 8});
            int[] dst = new int[6];
            assertEquals(2, fb.copyPixels(new Framebuffer.Rect(1, 1, 2, 5), dst, 0, 3));
            assertArrayEquals(new int[] {2, 3, 0, 6, 7, 0}, dst);
        }

        @Test void captureHoldsSizeAndPixelsTogether() {
            Framebuffer fb = new Framebuffer(3, 2);
            fb.writeRow(1, new int[] {7, 8, 9});
            Framebuffer.Capture c = fb.capture();
            assertEquals(3, c.width());
            assertEquals(2, c.height());
            assertArrayEquals(new int[] {0xFF00_0000, 0xFF00_0000, 0xFF00_0000, 7, 8, 9}, c.pixels());
        }

        @Test void newScreensAreOpaqueBlack() {
            assertEquals(0xFF00_0000, new Framebuffer(2, 2).pixel(1, 1));
        }

        @Test void frameListenersHearEachFrame() {
            Framebuffer fb = new Framebuffer(2, 2);
            AtomicInteger frames = new AtomicInteger();
            fb.addFrameListener(frames::incrementAndGet);
            fb.endFrame();
            fb.endFrame();
            assertEquals(2, frames.get());
        }
    }
}
