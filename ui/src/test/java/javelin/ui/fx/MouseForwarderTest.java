package javelin.ui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import javafx.event.EventType;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
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
    private final List<String> host = new ArrayList<>();          // warps and grab changes
    /** The screen area on the host screen: 400x400 at (100, 100), centre (300, 300). */
    private final MouseForwarder mouse = new MouseForwarder(machine, new MouseForwarder.Screen() {
        @Override public Bounds areaOnScreen() {
            return new BoundingBox(100, 100, 400, 400);
        }

        @Override public double scale() {
            return scale;
        }

        @Override public void warp(double x, double y) {
            host.add("warp " + (int) x + "," + (int) y);
        }

        @Override public void grabChanged(boolean grabbed) {
            host.add(grabbed ? "grab" : "release");
        }
    });

    private static MouseEvent event(EventType<MouseEvent> type, double x, double y, boolean left, boolean right) {
        return new MouseEvent(type, x, y, x, y, MouseButton.NONE, 0, false, false, false, false,
                left, false, right, false, false, false, (PickResult) null);
    }

    private void move(double x, double y) {
        mouse.handle(event(MouseEvent.MOUSE_MOVED, x, y, false, false));
    }

    private void grabAt(double x, double y) {
        mouse.handle(event(MouseEvent.MOUSE_PRESSED, x, y, true, false));
        mouse.handle(event(MouseEvent.MOUSE_RELEASED, x, y, false, false));
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
    class Grab {
        @Test
        void beforeAClickNothingReachesTheGuest() {
            move(300, 300);
            move(310, 310);
            mouse.handle(wheel(-40));
            assertEquals(List.of(), sent());
            assertFalse(mouse.grabbed());
        }

        @Test
        void aClickOutsideTheScreenDoesNotGrab() {
            grabAt(50, 50);
            assertFalse(mouse.grabbed());
            assertEquals(List.of(), host);
        }

        @Test
        void aClickOnTheScreenGrabsWithoutSendingTheClick() {
            grabAt(300, 300);
            assertTrue(mouse.grabbed());
            assertEquals(List.of("grab"), host);
            assertEquals(List.of(), sent());
        }

        @Test
        void releaseGivesThePointerBackAndReleasesHeldButtons() {
            grabAt(300, 300);
            mouse.handle(event(MouseEvent.MOUSE_PRESSED, 300, 300, false, true));
            mouse.release();
            move(320, 300);
            assertEquals(List.of("0,0,0,2", "0,0,0,0"), sent());
            assertEquals(List.of("grab", "release"), host);
        }
    }

    @Nested
    class Motion {
        @Test
        void differencesAreSentRightAndDownPositive() {
            grabAt(300, 300);
            move(303, 298);
            assertEquals(List.of("3,-2,0,0"), sent());
        }

        @Test
        void motionIsInGuestPixelsAndFractionsCarryOver() {
            scale = 2;
            grabAt(300, 300);
            move(303, 300);     // 1.5 guest pixels: 1 now, 0.5 kept
            move(304, 300);     // 0.5 + 0.5: 1 more
            assertEquals(List.of("1,0,0,0", "1,0,0,0"), sent());
        }

        @Test
        void leavingTheMiddleWarpsBackToTheCentreAndTheWarpMovesNothing() {
            grabAt(300, 300);
            move(420, 300);     // a quarter of 400 is 100: beyond it, warp
            move(300, 300);     // the warp's own event
            move(305, 300);
            assertEquals(List.of("120,0,0,0", "5,0,0,0"), sent());
            assertEquals(List.of("grab", "warp 300,300"), host);
        }

        @Test
        void motionQueuedBeforeTheWarpCountsFromTheLastRealPosition() {
            grabAt(300, 300);
            move(420, 300);     // warp asked
            move(425, 300);     // the host had this queued before the warp
            move(300, 300);     // now the warp
            assertEquals(List.of("120,0,0,0", "5,0,0,0"), sent());
        }
    }

    @Nested
    class Buttons {
        @Test
        void pressAndReleaseSendPs2ButtonBitsButNotTheGrabbingClick() {
            grabAt(300, 300);
            mouse.handle(event(MouseEvent.MOUSE_PRESSED, 300, 300, true, false));
            mouse.handle(event(MouseEvent.MOUSE_PRESSED, 300, 300, true, true));
            mouse.handle(event(MouseEvent.MOUSE_RELEASED, 300, 300, false, true));
            mouse.handle(event(MouseEvent.MOUSE_RELEASED, 300, 300, false, false));
            assertEquals(List.of("0,0,0,1", "0,0,0,3", "0,0,0,2", "0,0,0,0"), sent());
        }

        @Test
        void aDragWithTheGrabbingButtonStillHeldDoesNotPressItInTheGuest() {
            mouse.handle(event(MouseEvent.MOUSE_PRESSED, 300, 300, true, false));
            mouse.handle(event(MouseEvent.MOUSE_DRAGGED, 302, 300, true, false));
            mouse.handle(event(MouseEvent.MOUSE_RELEASED, 302, 300, false, false));
            assertEquals(List.of("2,0,0,0"), sent());
        }
    }

    @Nested
    class Wheel {
        @Test
        void scrollingTowardsTheUserIsPositiveDz() {
            grabAt(300, 300);
            mouse.handle(wheel(-40));
            mouse.handle(wheel(40));
            assertEquals(List.of("0,0,1,0", "0,0,-1,0"), sent());
        }
    }
}
