package javelin.ui.fx;

import java.util.function.DoubleSupplier;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javelin.machine.MachineControl;

/**
 * Sends pointer motion, buttons and the wheel over the screen to the guest's PS/2 mouse.
 *
 * <p>The PS/2 mouse is relative, so motion is the difference between successive host positions,
 * divided by the screen's current scale so one guest pixel of motion is one count (fractions
 * carry over to the next event). The pointer is not grabbed: the host cursor stays visible and
 * the guest's cursor, moved by the guest's own acceleration, drifts away from it; leaving the
 * screen forgets the last position so re-entering does not jump (pointer grab: issue 7).
 * Directions follow {@code I8042.mouseMove}: {@code dy} down, {@code dz} towards the user.
 * Runs on the JavaFX thread.
 */
final class MouseForwarder {
    /** PS/2 button bits in {@link MachineControl#mouseEvent}: bit 0 left, 1 right, 2 middle. */
    static final int BUTTON_LEFT = 1, BUTTON_RIGHT = 2, BUTTON_MIDDLE = 4;

    private final MachineControl control;
    private final DoubleSupplier scale;       // host pixels per guest pixel
    private boolean seen;                     // lastX/lastY hold a position on the screen
    private double lastX;
    private double lastY;
    private double restX;                     // motion not yet sent, in guest pixels
    private double restY;
    private int buttons;

    MouseForwarder(MachineControl control, DoubleSupplier scale) {
        this.control = control;
        this.scale = scale;
    }

    /** Handles any mouse event on the screen. */
    void handle(MouseEvent e) {
        if (e.getEventType() == MouseEvent.MOUSE_EXITED) {
            seen = false;
            restX = 0;
            restY = 0;
            return;
        }
        double s = scale.getAsDouble();
        int dx = 0;
        int dy = 0;
        if (seen && s > 0) {
            restX += (e.getX() - lastX) / s;
            restY += (e.getY() - lastY) / s;
            dx = (int) restX;             // toward zero; the rest waits for the next event
            dy = (int) restY;
            restX -= dx;
            restY -= dy;
        }
        seen = true;
        lastX = e.getX();
        lastY = e.getY();
        int now = (e.isPrimaryButtonDown() ? BUTTON_LEFT : 0) | (e.isSecondaryButtonDown() ? BUTTON_RIGHT : 0)
                | (e.isMiddleButtonDown() ? BUTTON_MIDDLE : 0);
        boolean changed = now != buttons;
        buttons = now;
        if (dx != 0 || dy != 0 || changed) control.mouseEvent(dx, dy, 0, buttons);
        e.consume();
    }

    /** One wheel notch per scroll event: JavaFX's deltaY is positive away from the user. */
    void handle(ScrollEvent e) {
        double d = e.getDeltaY();
        if (d == 0) return;
        control.mouseEvent(0, 0, d < 0 ? 1 : -1, buttons);
        e.consume();
    }
}
