package javelin.ui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.TimeUnit;
import javafx.geometry.Bounds;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.image.WritableImage;
import javafx.scene.input.MouseButton;
import javafx.scene.input.MouseEvent;
import javafx.scene.layout.BorderPane;
import javafx.scene.robot.Robot;
import javafx.stage.Stage;
import javafx.stage.WindowEvent;
import javelin.devices.input.KeyCode;
import javelin.ui.qmp.FakeMachine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The real window on JavaFX's headless platform, over a fake machine whose framebuffer the test paints. */
class MachineWindowTest {
    // Four solid quadrants, so a sample at a block's centre does not depend on scaling filters.
    private static final int RED = 0xFF0000, GREEN = 0x00FF00, BLUE = 0x0000FF, WHITE = 0xFFFFFF;

    private FakeMachine machine;
    private MachineWindow window;

    @BeforeAll
    static void startJavaFx() throws Exception {
        FxThread.start();
    }

    @BeforeEach
    void openWindow() throws Exception {
        machine = new FakeMachine(64, 48);
        paintQuadrants(64, 48);
        window = FxThread.call(() -> new MachineWindow(machine, new Stage(), "Javelin"));
    }

    @AfterEach
    void closeWindow() throws Exception {
        FxThread.run(() -> window.stage().hide());
    }

    private void paintQuadrants(int w, int h) {
        machine.paint((x, y) -> x < w / 2 ? (y < h / 2 ? RED : GREEN) : (y < h / 2 ? BLUE : WHITE));
    }

    /** The colour (0xRRGGBB) the window shows at the centre of guest pixel (gx, gy). */
    private int shownAt(int gx, int gy) throws Exception {
        return FxThread.call(() -> {
            ScreenView screen = window.screen();
            screen.refresh();
            screen.layout();
            WritableImage shot = screen.getScene().snapshot(null);
            Bounds b = screen.localToScene(screen.getBoundsInLocal());
            ScreenScale s = ScreenScale.of(screen.mode(), screen.guestWidth(), screen.guestHeight(), b.getWidth(), b.getHeight());
            int px = (int) (b.getMinX() + s.x() + (gx + 0.5) * s.scale());
            int py = (int) (b.getMinY() + s.y() + (gy + 0.5) * s.scale());
            return shot.getPixelReader().getArgb(px, py) & 0xFFFFFF;
        });
    }

    @Nested
    class Screen {
        @Test
        void showsTheFramebufferPixels() throws Exception {
            assertEquals(RED, shownAt(8, 8));
            assertEquals(GREEN, shownAt(8, 40));
            assertEquals(BLUE, shownAt(56, 8));
            assertEquals(WHITE, shownAt(56, 40));
        }

        @Test
        void scalesToFillALargerWindow() throws Exception {
            FxThread.run(() -> {
                window.stage().setWidth(400);
                window.stage().setHeight(400);
            });
            assertEquals(RED, shownAt(8, 8));
            assertEquals(WHITE, shownAt(56, 40));
            double scale = FxThread.call(() -> window.screen().getWidth() / 64);
            assertTrue(scale > 2, "screen area grew with the window: " + scale);
        }

        @Test
        void followsAModeChange() throws Exception {
            machine.resize(80, 50);
            machine.paint((x, y) -> x < 40 ? BLUE : RED);
            assertEquals(BLUE, shownAt(10, 25));
            assertEquals(RED, shownAt(70, 25));
            assertEquals(80, FxThread.call(() -> window.screen().guestWidth()));
            assertEquals(50, FxThread.call(() -> window.screen().guestHeight()));
        }

        @Test
        void redrawsWhatChangedAfterTheFirstFrame() throws Exception {
            assertEquals(RED, shownAt(8, 8));
            machine.paint((x, y) -> x < 32 ? GREEN : (y < 24 ? BLUE : WHITE));   // red quadrant turns green
            assertEquals(GREEN, shownAt(8, 8));
            assertEquals(BLUE, shownAt(56, 8));
        }

        @Test
        void integerScaleShowsTheSamePixels() throws Exception {
            FxThread.run(() -> window.screen().setMode(ScreenScale.Mode.INTEGER));
            assertEquals(GREEN, shownAt(8, 40));
            assertEquals(BLUE, shownAt(56, 8));
        }
    }

    @Nested
    class Keyboard {
        @Test
        void aKeyTypedIntoTheWindowReachesTheGuestAsThePcKey() throws Exception {
            FxThread.run(() -> {
                window.stage().requestFocus();
                Robot robot = new Robot();
                robot.keyPress(javafx.scene.input.KeyCode.A);
                robot.keyRelease(javafx.scene.input.KeyCode.A);
            });
            FakeMachine.Input press = machine.inputs.poll(30, TimeUnit.SECONDS);
            FakeMachine.Input release = machine.inputs.poll(30, TimeUnit.SECONDS);
            assertNotNull(press);
            assertNotNull(release);
            assertEquals(KeyCode.A, press.key());
            assertTrue(press.pressed());
            assertEquals(KeyCode.A, release.key());
            assertEquals(false, release.pressed());
        }

        @Test
        void keypadDigitReachesTheGuestAsTheKeypadKey() throws Exception {
            FxThread.run(() -> {
                window.stage().requestFocus();
                new Robot().keyPress(javafx.scene.input.KeyCode.NUMPAD7);
                new Robot().keyRelease(javafx.scene.input.KeyCode.NUMPAD7);
            });
            FakeMachine.Input press = machine.inputs.poll(30, TimeUnit.SECONDS);
            assertNotNull(press);
            assertEquals(KeyCode.KP7, press.key());
        }
    }

    @Nested
    class Mouse {
        @Test
        void motionOverTheScreenReachesTheGuestMouse() throws Exception {
            FxThread.run(() -> {
                ScreenView screen = window.screen();
                for (double[] p : new double[][] {{5, 5}, {9, 7}}) {
                    screen.fireEvent(new MouseEvent(MouseEvent.MOUSE_MOVED, p[0], p[1], p[0], p[1], MouseButton.NONE, 0,
                            false, false, false, false, false, false, false, false, false, false, null));
                }
            });
            FakeMachine.Input move = machine.inputs.poll(30, TimeUnit.SECONDS);
            assertNotNull(move);
            assertEquals("mouse", move.what());
            double scale = FxThread.call(() -> window.screen().scale());
            assertEquals((int) (4 / scale), move.dx());
            assertEquals((int) (2 / scale), move.dy());
        }
    }

    @Nested
    class Menus {
        private MenuItem item(int menu, int index) throws Exception {
            return FxThread.call(() -> ((MenuBar) ((BorderPane) window.stage().getScene().getRoot()).getTop())
                    .getMenus().get(menu).getItems().get(index));
        }

        @Test
        void pauseThenResumeAskTheMachineAndTheTitleFollows() throws Exception {
            MenuItem pauseResume = item(0, 0);
            assertEquals("Pause", FxThread.call(pauseResume::getText));
            FxThread.run(pauseResume::fire);
            assertEquals("Javelin [Paused]", FxThread.call(() -> window.stage().getTitle()));
            assertEquals("Resume", FxThread.call(pauseResume::getText));
            FxThread.run(pauseResume::fire);
            assertEquals("Javelin", FxThread.call(() -> window.stage().getTitle()));
            assertEquals(List.of("pause", "resume"), machine.actions);
        }

        @Test
        void resetAndQuitAskTheMachine() throws Exception {
            FxThread.run(item(0, 1)::fire);
            FxThread.run(item(0, 3)::fire);
            assertEquals(List.of("reset", "quit"), machine.actions);
        }

        @Test
        void viewMenuSwitchesBetweenFitAndIntegerScale() throws Exception {
            FxThread.run(item(1, 1)::fire);
            assertEquals(ScreenScale.Mode.INTEGER, FxThread.call(() -> window.screen().mode()));
            FxThread.run(item(1, 0)::fire);
            assertEquals(ScreenScale.Mode.FIT, FxThread.call(() -> window.screen().mode()));
        }
    }

    @Nested
    class Closing {
        @Test
        void closingTheWindowQuitsTheMachine() throws Exception {
            FxThread.run(() -> window.stage().fireEvent(new WindowEvent(window.stage(), WindowEvent.WINDOW_CLOSE_REQUEST)));
            assertTrue(machine.quitCalled.await(30, TimeUnit.SECONDS));
        }
    }
}
