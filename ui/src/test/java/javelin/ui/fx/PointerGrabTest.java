package javelin.ui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PointerGrabTest {
    private final PointerGrab grab = new PointerGrab();

    /** Screen area 200x100 centred on (100, 50): a warp once 25 pixels (a quarter of 100) from it. */
    private PointerGrab.Step at(double x, double y) {
        return grab.moved(x, y, 100, 50, 200, 100);
    }

    @Test
    void notGrabbedMeansNoMotion() {
        assertEquals(PointerGrab.Step.NONE, at(10, 10));
    }

    @Test
    void motionNearTheCentreIsSentWithoutWarping() {
        grab.grab(100, 50);
        PointerGrab.Step s = at(110, 45);
        assertEquals(10, s.dx());
        assertEquals(-5, s.dy());
        assertFalse(s.warp());
    }

    @Test
    void beyondAQuarterOfTheSmallerSideItWarpsToTheCentre() {
        grab.grab(100, 50);
        PointerGrab.Step s = at(100, 80);
        assertEquals(30, s.dy());
        assertTrue(s.warp());
        assertEquals(100, s.warpX());
        assertEquals(50, s.warpY());
    }

    @Test
    void theWarpsOwnEventMovesNothingAndLaterMotionCountsFromTheCentre() {
        grab.grab(100, 50);
        at(100, 80);
        assertEquals(PointerGrab.Step.NONE, at(100, 50));
        assertEquals(3, at(103, 50).dx());
    }

    @Test
    void withoutAPendingWarpAReturnToTheCentreIsRealMotion() {
        grab.grab(100, 50);
        at(110, 50);
        assertEquals(-10, at(100, 50).dx());
    }

    @Test
    void releaseStopsMotion() {
        grab.grab(100, 50);
        grab.release();
        assertFalse(grab.grabbed());
        assertEquals(PointerGrab.Step.NONE, at(120, 50));
    }
}
