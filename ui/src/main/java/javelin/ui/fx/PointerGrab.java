package javelin.ui.fx;

/**
 * The pointer while it is grabbed: hidden and kept inside the screen by warping it back to the
 * centre, so the guest's relative PS/2 mouse gets motion without end while the host pointer
 * stays put. Works in host screen coordinates; the caller moves the real pointer.
 *
 * <p>A warp is not instantaneous: motion events that the host queued before it still arrive with
 * pre-warp positions, and the warp itself produces an event at the centre. So after asking for
 * a warp this keeps the last real position until an event lands on the warp target: events
 * before that are motion from the last position; the one at the target is the warp and moves
 * nothing. It warps only once the pointer has left the middle of the screen area (a quarter of
 * its smaller side from the centre), so warps, and the error when the host merges a warp's
 * event with real motion, stay rare.
 */
final class PointerGrab {
    /** Host-pixel motion to send, and where to warp the pointer to afterwards, if anywhere. */
    record Step(double dx, double dy, boolean warp, double warpX, double warpY) {
        static final Step NONE = new Step(0, 0, false, 0, 0);
    }

    private boolean grabbed;
    private double lastX;
    private double lastY;
    private boolean warpPending;
    private double warpX;
    private double warpY;

    boolean grabbed() {
        return grabbed;
    }

    /** Grabs with the pointer at (x, y); the caller then hides it. */
    void grab(double x, double y) {
        grabbed = true;
        lastX = x;
        lastY = y;
        warpPending = false;
    }

    void release() {
        grabbed = false;
        warpPending = false;
    }

    /**
     * The pointer is at (x, y); the screen area's centre is (cx, cy) and its size w x h (all in
     * host screen pixels). Returns the motion since the last real position and whether to warp.
     */
    Step moved(double x, double y, double cx, double cy, double w, double h) {
        if (!grabbed) return Step.NONE;
        if (warpPending && Math.abs(x - warpX) < 1 && Math.abs(y - warpY) < 1) {
            warpPending = false;                  // the warp's own event
            lastX = x;
            lastY = y;
            return Step.NONE;
        }
        double dx = x - lastX;
        double dy = y - lastY;
        lastX = x;
        lastY = y;
        double reach = Math.min(w, h) / 4;
        boolean warp = Math.abs(x - cx) > reach || Math.abs(y - cy) > reach;
        if (warp) {
            warpPending = true;
            warpX = cx;
            warpY = cy;
        }
        return new Step(dx, dy, warp, cx, cy);
    }
}
