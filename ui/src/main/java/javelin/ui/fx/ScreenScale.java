package javelin.ui.fx;

/**
 * Where the guest screen goes inside the window's viewport: square pixels (the aspect ratio of
 * the guest resolution is kept, as QEMU's GTK display does by default), centred, with black
 * borders on the sides that do not fill.
 *
 * @param scale  viewport pixels per guest pixel
 * @param x      left edge of the drawn screen in the viewport
 * @param y      top edge of the drawn screen in the viewport
 * @param width  drawn width, {@code guestWidth * scale}
 * @param height drawn height, {@code guestHeight * scale}
 */
record ScreenScale(double scale, double x, double y, double width, double height) {

    /** How the guest screen is fitted into the viewport. */
    enum Mode {
        /** The largest scale at which the whole screen is visible, fractional if need be. */
        FIT,
        /**
         * The largest whole-number scale at which the whole screen is visible, so every guest
         * pixel becomes the same block of host pixels (sharp text); 1 if even 1 does not fit.
         */
        INTEGER
    }

    /** The placement of a {@code guestWidth x guestHeight} screen in a {@code viewWidth x viewHeight} viewport. */
    static ScreenScale of(Mode mode, int guestWidth, int guestHeight, double viewWidth, double viewHeight) {
        if (guestWidth <= 0 || guestHeight <= 0) throw new IllegalArgumentException(guestWidth + "x" + guestHeight);
        double w = Math.max(0, viewWidth);
        double h = Math.max(0, viewHeight);
        double fit = Math.min(w / guestWidth, h / guestHeight);
        double scale = switch (mode) {
            case FIT -> fit;
            case INTEGER -> Math.max(1, Math.floor(fit));
        };
        double drawnWidth = guestWidth * scale;
        double drawnHeight = guestHeight * scale;
        // Centred; a screen larger than the viewport (integer mode below 1x) is pinned top-left.
        double x = Math.max(0, Math.floor((w - drawnWidth) / 2));
        double y = Math.max(0, Math.floor((h - drawnHeight) / 2));
        return new ScreenScale(scale, x, y, drawnWidth, drawnHeight);
    }
}
