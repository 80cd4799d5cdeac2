package javelin.ui.fx;

/**
 * Tells which of a left/right pair of host keys is physically down, for the keys JavaFX reports
 * without a location: Shift, Ctrl, the Windows key, and Enter (whose "right" twin is keypad
 * Enter). JavaFX thread only.
 */
interface KeyLocator {
    /** Which keys of a pair are down at the moment of asking. */
    enum Side {
        /** Only the left key (for Enter: the main Enter). */
        LEFT,
        /** Only the right key (for Enter: keypad Enter). */
        RIGHT,
        /** Both keys of the pair. */
        BOTH,
        /** Neither, or the platform cannot say: the caller assumes the left key, as JavaFX does. */
        UNKNOWN
    }

    /** Which of the pair behind {@code host} is down; {@link Side#UNKNOWN} for keys without a twin. */
    Side sideOf(javafx.scene.input.KeyCode host);

    /** The fallback where the platform cannot be asked: every key is the left one. */
    KeyLocator NONE = host -> Side.UNKNOWN;

    /**
     * The locator for the platform JavaFX runs on: {@link X11KeyLocator} on the GTK glass
     * backend with an X display (JavaFX on a Wayland desktop also runs through XWayland),
     * {@link #NONE} on the headless and Monocle platforms, elsewhere, or when libX11 cannot be
     * opened.
     */
    static KeyLocator forThisPlatform() {
        String glass = System.getProperty("glass.platform", "");
        boolean x11 = System.getenv("DISPLAY") != null && !System.getenv("DISPLAY").isEmpty()
                && !glass.equalsIgnoreCase("Headless") && !glass.equalsIgnoreCase("Monocle")
                && System.getProperty("os.name", "").startsWith("Linux");
        if (!x11) return NONE;
        return X11KeyLocator.shared().map(l -> (KeyLocator) l).orElse(NONE);
    }
}
