package javelin.ui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import javafx.event.EventType;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.PickResult;
import javafx.scene.input.ScrollEvent;
import javelin.ui.qmp.FakeMachine;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class MouseForwarderTest {
    private final FakeMachine machine = new FakeMachine(8, 8);
    private double scale = 1;
    private final MouseForwarder mouse = new MouseForwarder(machine, () -> scale);

    private static MouseEvent event(EventType<MouseEvent> type, double x, double y, boolean left, boolean right) {
        return new MouseEvent(type, x, y, x, y, MouseButton.NONE, 0, false, false, false, false,
                left, false, right, false, false, false, (PickResult) null);
    }

    private void move(double x, double y) {
        mouse.handle(event(MouseEvent.MOUSE_MOVED, x, y, false, false));
    }

    private static ScrollEvent wheel(double deltaY) {
        return new ScrollEvent(ScrollEvent.SCROLL, 0, 0, 0, 0, false, false, false, false, false, false,
                0, deltaY, 0, deltaY, ScrollEvent.HorizontalTextScrollUnits.NONE, 0,
                ScrollEvent.VerticalTextScrollUnits.NONE, 0, 0, null);
    }

    /** dx,dy,dz,buttons of each mouse event sent. */
    private List<String> sent() {
        List<String> out = new ArrayList<>();
        for (FakeMachine.Input i : machine.inputs) out.add(i.dx() + "," + i.dy() + "," + i.dz() + "," + i.buttons());
        return out;
    }

    @Nested
    class Motion {
        @Test
        void firstPositionOnlyAnchorsThenDifferencesAreSentRightAndDownPositive() {
            move(10, 10);
            move(13, 8);
            assertEquals(List.of("3,-2,0,0"), sent());
        }

        @Test
        void motionIsInGuestPixelsAndFractionsCarryOver() {
            scale = 2;
            move(0, 0);
            move(3, 0);     // 1.5 guest pixels: 1 now, 0.5 kept
            move(4, 0);     // 0.5 + 0.5: 1 more
            assertEquals(List.of("1,0,0,0", "1,0,0,0"), sent());
        }

        @Test
        void leavingTheScreenForgetsThePositionSoReEntryDoesNotJump() {
            move(10, 10);
            mouse.handle(event(MouseEvent.MOUSE_EXITED, 0, 0, false, false));
            move(200, 200);
            assertEquals(List.of(), sent());
        }
    }

    @Nested
    class Buttons {
        @Test
        void pressAndReleaseSendPs2ButtonBits() {
            move(5, 5);
            mouse.handle(event(MouseEvent.MOUSE_PRESSED, 5, 5, true, false));
            mouse.handle(event(MouseEvent.MOUSE_PRESSED, 5, 5, true, true));
            mouse.handle(event(MouseEvent.MOUSE_RELEASED, 5, 5, false, true));
            mouse.handle(event(MouseEvent.MOUSE_RELEASED, 5, 5, false, false));
            assertEquals(List.of("0,0,0,1", "0,0,0,3", "0,0,0,2", "0,0,0,0"), sent());
        }
    }

    @Nested
    class Wheel {
        @Test
        void scrollingTowardsTheUserIsPositiveDz() {
            mouse.handle(wheel(-40));
            mouse.handle(wheel(40));
            assertEquals(List.of("0,0,1,0", "0,0,-1,0"), sent());
        }
    }
}
