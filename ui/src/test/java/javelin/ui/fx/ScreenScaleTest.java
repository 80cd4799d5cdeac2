package javelin.ui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ScreenScaleTest {
    private static void assertPlacement(ScreenScale s, double scale, double x, double y, double w, double h) {
        assertEquals(scale, s.scale(), 1e-9, "scale");
        assertEquals(x, s.x(), 1e-9, "x");
        assertEquals(y, s.y(), 1e-9, "y");
        assertEquals(w, s.width(), 1e-9, "width");
        assertEquals(h, s.height(), 1e-9, "height");
    }

    @Nested
    class Fit {
        @Test
        void exactDoubleFillsTheViewport() {
            assertPlacement(ScreenScale.of(ScreenScale.Mode.FIT, 640, 480, 1280, 960), 2, 0, 0, 1280, 960);
        }

        @Test
        void wideScreenInSquareViewportIsLetterboxedAndCentred() {
            // 720x400 text mode in 1000x1000: width limits, 1000/720 per pixel, 555.5 high.
            ScreenScale s = ScreenScale.of(ScreenScale.Mode.FIT, 720, 400, 1000, 1000);
            assertPlacement(s, 1000.0 / 720, 0, 222, 1000, 400 * 1000.0 / 720);
        }

        @Test
        void tallViewportLimitsByHeightAndCentresHorizontally() {
            assertPlacement(ScreenScale.of(ScreenScale.Mode.FIT, 640, 480, 1000, 240), 0.5, 340, 0, 320, 240);
        }

        @Test
        void shrinksBelowOneToStayWhollyVisible() {
            assertPlacement(ScreenScale.of(ScreenScale.Mode.FIT, 800, 600, 400, 300), 0.5, 0, 0, 400, 300);
        }

        @Test
        void emptyViewportDrawsNothing() {
            assertPlacement(ScreenScale.of(ScreenScale.Mode.FIT, 640, 480, 0, 0), 0, 0, 0, 0, 0);
        }
    }

    @Nested
    class Integer {
        @Test
        void roundsDownToWholePixelsAndCentres() {
            // 1000/640 = 1.56: one host pixel per guest pixel, centred in the spare space.
            assertPlacement(ScreenScale.of(ScreenScale.Mode.INTEGER, 640, 480, 1000, 1000), 1, 180, 260, 640, 480);
        }

        @Test
        void usesTheLargestWholeScaleThatFits() {
            assertPlacement(ScreenScale.of(ScreenScale.Mode.INTEGER, 320, 200, 1000, 700), 3, 20, 50, 960, 600);
        }

        @Test
        void neverGoesBelowOneAndPinsTopLeft() {
            assertPlacement(ScreenScale.of(ScreenScale.Mode.INTEGER, 800, 600, 400, 300), 1, 0, 0, 800, 600);
        }
    }

    @Test
    void refusesAnEmptyGuestScreen() {
        assertThrows(IllegalArgumentException.class, () -> ScreenScale.of(ScreenScale.Mode.FIT, 0, 480, 100, 100));
    }
}
