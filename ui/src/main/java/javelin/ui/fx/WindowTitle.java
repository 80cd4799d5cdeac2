package javelin.ui.fx;

/**
 * The window's title: the machine's name, how to release a pointer grab while the pointer is
 * grabbed (the only place that says it, as QEMU's GTK display does), and " [Paused]".
 */
final class WindowTitle {
    static final String RELEASE_HINT = "Press Ctrl+Alt+G to release grab";

    private WindowTitle() { }

    static String of(String name, boolean grabbed, boolean paused) {
        StringBuilder t = new StringBuilder(name);
        if (grabbed) t.append(" - ").append(RELEASE_HINT);
        if (paused) t.append(" [Paused]");
        return t.toString();
    }
}
