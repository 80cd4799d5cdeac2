package javelin.ui.fx;

import javafx.geometry.Bounds;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javelin.machine.MachineControl;

/**
 * The host pointer and the guest's PS/2 mouse. The mouse is relative, so the pointer belongs to
 * the host until a click on the screen grabs it ({@link PointerGrab}): then it is hidden, kept
 * inside the screen, and its motion, buttons and wheel go to the guest. The click that grabs is
 * not sent. {@link #release()} (Ctrl+Alt+G, focus lost) gives the pointer back.
 *
 * <p>Motion is divided by the screen's current scale so one guest pixel of motion is one count,
 * as the pointer moved over the picture (fractions carry over to the next event). Directions
 * follow {@code I8042.mouseMove}: {@code dy} down, {@code dz} towards the user. Runs on the
 * JavaFX thread, as a scene-level filter, so while grabbed no mouse event reaches the menus.
 */
final class MouseForwarder {
    /** PS/2 button bits in {@link MachineControl#mouseEvent}: bit 0 left, 1 right, 2 middle. */
    static final int BUTTON_LEFT = 1, BUTTON_RIGHT = 2, BUTTON_MIDDLE = 4;

    /** The guest screen as the pointer sees it, and the host pointer itself. */
    interface Screen {
        /** The screen area in host screen coordinates. */
        Bounds areaOnScreen();

        /** Host pixels per guest pixel. */
        double scale();

        /** Whether a pointer event at these host screen coordinates is over the screen area. */
        default boolean contains(double screenX, double screenY) {
            return areaOnScreen().contains(screenX, screenY);
        }

        /** Moves the host pointer (host screen coordinates). */
        void warp(double screenX, double screenY);

        /** The grab began or ended: hide or show the pointer, update the title. */
        void grabChanged(boolean grabbed);
    }

    private final MachineControl control;
    private final Screen screen;
    private final PointerGrab grab = new PointerGrab();
    private double restX;                     // motion not yet sent, in guest pixels
    private double restY;
    private int buttons;
    private int swallowed;                    // buttons of the grabbing click, hidden until released

    MouseForwarder(MachineControl control, Screen screen) {
        this.control = control;
        this.screen = screen;
    }

    boolean grabbed() {
        return grab.grabbed();
    }

    /** Gives the pointer back to the host; buttons still held are released in the guest. */
    void release() {
        if (!grab.grabbed()) return;
        grab.release();
        restX = 0;
        restY = 0;
        if (buttons != 0) {
            buttons = 0;
            control.mouseEvent(0, 0, 0, 0);
        }
        screen.grabChanged(false);
    }

    /** Handles any mouse event in the window. */
    void handle(MouseEvent e) {
        if (!grab.grabbed()) {
            if (e.getEventType() == MouseEvent.MOUSE_PRESSED && screen.contains(e.getScreenX(), e.getScreenY())) {
                grab.grab(e.getScreenX(), e.getScreenY());
                swallowed = pressed(e);           // the grabbing click is the host's, not the guest's
                screen.grabChanged(true);
                e.consume();
            }
            return;
        }
        e.consume();
        Bounds area = screen.areaOnScreen();
        PointerGrab.Step step = grab.moved(e.getScreenX(), e.getScreenY(), area.getCenterX(), area.getCenterY(),
                area.getWidth(), area.getHeight());
        double s = screen.scale();
        int dx = 0;
        int dy = 0;
        if (s > 0) {
            restX += step.dx() / s;
            restY += step.dy() / s;
            dx = (int) restX;             // toward zero; the rest waits for the next event
            dy = (int) restY;
            restX -= dx;
            restY -= dy;
        }
        int now = pressed(e);
        swallowed &= now;
        now &= ~swallowed;
        boolean changed = now != buttons;
        buttons = now;
        if (dx != 0 || dy != 0 || changed) control.mouseEvent(dx, dy, 0, buttons);
        if (step.warp()) screen.warp(step.warpX(), step.warpY());
    }

    private static int pressed(MouseEvent e) {
        return (e.isPrimaryButtonDown() ? BUTTON_LEFT : 0) | (e.isSecondaryButtonDown() ? BUTTON_RIGHT : 0)
                | (e.isMiddleButtonDown() ? BUTTON_MIDDLE : 0);
    }

    /** One wheel notch per scroll event while grabbed: JavaFX's deltaY is positive away from the user. */
    void handle(ScrollEvent e) {
        if (!grab.grabbed()) return;
        e.consume();
        double d = e.getDeltaY();
        if (d == 0) return;
        control.mouseEvent(0, 0, d < 0 ? 1 : -1, buttons);
    }
}
