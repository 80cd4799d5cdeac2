package javelin.ui.fx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javafx.geometry.Bounds;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.TextArea;
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
import org.junit.jupiter.api.io.TempDir;

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
        /**
         * Waits until the window stops moving: the platform may still place (centre) a freshly
         * shown stage, and events fired in screen coordinates across such a move would look like
         * a jump of the pointer.
         */
        private void settle() throws Exception {
            javafx.geometry.Point2D before = FxThread.call(() -> window.screen().localToScreen(0, 0));
            for (int i = 0; i < 100; i++) {
                Thread.sleep(20);
                javafx.geometry.Point2D now = FxThread.call(() -> window.screen().localToScreen(0, 0));
                if (now.equals(before)) return;
                before = now;
            }
        }

        private void fire(javafx.event.EventType<MouseEvent> type, double x, double y, boolean left) throws Exception {
            FxThread.run(() -> {
                ScreenView screen = window.screen();
                javafx.geometry.Point2D p = screen.localToScreen(x, y);
                javafx.geometry.Point2D s = screen.localToScene(x, y);
                screen.fireEvent(new MouseEvent(type, s.getX(), s.getY(), p.getX(), p.getY(),
                        left ? MouseButton.PRIMARY : MouseButton.NONE, left ? 1 : 0,
                        false, false, false, false, left, false, false, false, false, false, null));
            });
        }

        @Test
        void motionBeforeAGrabStaysWithTheHost() throws Exception {
            fire(MouseEvent.MOUSE_MOVED, 5, 5, false);
            fire(MouseEvent.MOUSE_MOVED, 9, 7, false);
            assertEquals(null, machine.inputs.poll(200, TimeUnit.MILLISECONDS));
            assertEquals("Javelin", FxThread.call(() -> window.stage().getTitle()));
        }

        @Test
        void aClickGrabsThenMotionReachesTheGuestMouseAndCtrlAltGReleases() throws Exception {
            settle();
            // Near the centre, so no warp: warping is PointerGrabTest's and MouseForwarderTest's.
            double cx = FxThread.call(() -> window.screen().getWidth() / 2);
            double cy = FxThread.call(() -> window.screen().getHeight() / 2);
            fire(MouseEvent.MOUSE_PRESSED, cx, cy, true);
            fire(MouseEvent.MOUSE_RELEASED, cx, cy, false);
            assertEquals("Javelin - Press Ctrl+Alt+G to release grab", FxThread.call(() -> window.stage().getTitle()));
            assertEquals(javafx.scene.Cursor.NONE, FxThread.call(() -> window.stage().getScene().getCursor()));
            fire(MouseEvent.MOUSE_MOVED, cx + 4, cy + 2, false);
            FakeMachine.Input move = machine.inputs.poll(30, TimeUnit.SECONDS);
            assertNotNull(move);
            assertEquals("mouse", move.what());
            double scale = FxThread.call(() -> window.screen().scale());
            assertEquals((int) (4 / scale), move.dx());
            assertEquals((int) (2 / scale), move.dy());
            assertEquals(0, move.buttons(), "the grabbing click is not the guest's");

            FxThread.run(() -> {
                window.stage().requestFocus();
                Robot robot = new Robot();
                robot.keyPress(javafx.scene.input.KeyCode.CONTROL);
                robot.keyPress(javafx.scene.input.KeyCode.ALT);
                robot.keyPress(javafx.scene.input.KeyCode.G);
                robot.keyRelease(javafx.scene.input.KeyCode.G);
                robot.keyRelease(javafx.scene.input.KeyCode.ALT);
                robot.keyRelease(javafx.scene.input.KeyCode.CONTROL);
            });
            List<KeyCode> keys = new java.util.ArrayList<>();
            for (int i = 0; i < 4; i++) {
                FakeMachine.Input in = machine.inputs.poll(30, TimeUnit.SECONDS);
                assertNotNull(in);
                keys.add(in.key());
            }
            assertEquals(List.of(KeyCode.LEFT_CONTROL, KeyCode.LEFT_ALT, KeyCode.LEFT_ALT, KeyCode.LEFT_CONTROL), keys,
                    "G itself is the window's");
            assertEquals("Javelin", FxThread.call(() -> window.stage().getTitle()));
            assertEquals(javafx.scene.Cursor.DEFAULT, FxThread.call(() -> window.stage().getScene().getCursor()));
            fire(MouseEvent.MOUSE_MOVED, 30, 30, false);
            assertEquals(null, machine.inputs.poll(200, TimeUnit.MILLISECONDS));
        }
    }

    @Nested
    class Menus {
        private MenuItem item(String menu, String text) throws Exception {
            return FxThread.call(() -> window.menu(menu).getItems().stream()
                    .filter(i -> text.equals(i.getText())).findFirst().orElseThrow(() -> new AssertionError("no " + text)));
        }

        @Test
        void theMenuBarHasTheFourMenusInOrder() throws Exception {
            List<String> names = FxThread.call(() -> ((MenuBar) ((BorderPane) window.stage().getScene().getRoot()).getTop())
                    .getMenus().stream().map(javafx.scene.control.Menu::getText).toList());
            assertEquals(List.of("Machine", "Media", "View", "Snapshots"), names);
            assertThrows(IllegalArgumentException.class, () -> window.menu("Help"));
        }

        @Test
        void pauseThenResumeAskTheMachineAndTheTitleFollows() throws Exception {
            MenuItem pauseResume = item("Machine", "Pause");
            FxThread.run(pauseResume::fire);
            assertEquals("Javelin [Paused]", FxThread.call(() -> window.stage().getTitle()));
            assertEquals("Resume", FxThread.call(pauseResume::getText));
            FxThread.run(pauseResume::fire);
            assertEquals("Javelin", FxThread.call(() -> window.stage().getTitle()));
            assertEquals(List.of("pause", "resume"), machine.actions);
        }

        @Test
        void resetPowerOffAndQuitAskTheMachine() throws Exception {
            FxThread.run(item("Machine", "Reset")::fire);
            FxThread.run(item("Machine", "Power off")::fire);
            FxThread.run(item("Machine", "Quit")::fire);
            assertEquals(List.of("reset", "quit", "quit"), machine.actions);
        }

        @Test
        void ctrlAltDelPressesTheThreeKeysThenReleasesThemInReverse() throws Exception {
            FxThread.run(item("Machine", "Send Ctrl+Alt+Del")::fire);
            List<String> sent = new java.util.ArrayList<>();
            for (int i = 0; i < 6; i++) {
                FakeMachine.Input in = machine.inputs.poll(30, TimeUnit.SECONDS);
                assertNotNull(in);
                sent.add((in.pressed() ? "+" : "-") + in.key());
            }
            assertEquals(List.of("+LEFT_CONTROL", "+LEFT_ALT", "+DELETE", "-DELETE", "-LEFT_ALT", "-LEFT_CONTROL"), sent);
        }

        @Test
        void viewMenuSwitchesBetweenFitAndIntegerScale() throws Exception {
            FxThread.run(item("View", "Integer scale")::fire);
            assertEquals(ScreenScale.Mode.INTEGER, FxThread.call(() -> window.screen().mode()));
            FxThread.run(item("View", "Fit to window")::fire);
            assertEquals(ScreenScale.Mode.FIT, FxThread.call(() -> window.screen().mode()));
        }

        @Test
        void fullscreenItemTogglesTheStage() throws Exception {
            CheckMenuItem full = (CheckMenuItem) item("View", "Fullscreen");
            FxThread.run(() -> {
                full.setSelected(true);
                full.fire();
            });
            assertTrue(FxThread.call(() -> window.stage().isFullScreen()));
            FxThread.run(() -> window.stage().setFullScreen(false));
            assertFalse(FxThread.call(full::isSelected), "the item follows the stage");
        }

        @Test
        void statusBarItemHidesAndShowsTheStatusBar() throws Exception {
            CheckMenuItem status = (CheckMenuItem) item("View", "Status bar");
            assertTrue(FxThread.call(status::isSelected));
            FxThread.run(() -> {
                status.setSelected(false);
                status.fire();
            });
            assertEquals(null, FxThread.call(() -> ((BorderPane) window.stage().getScene().getRoot()).getBottom()));
            FxThread.run(() -> {
                status.setSelected(true);
                status.fire();
            });
            assertEquals(window.statusBar(), FxThread.call(() -> ((BorderPane) window.stage().getScene().getRoot()).getBottom()));
        }

        @Test
        void snapshotEntriesArePresentAndDisabled() throws Exception {
            assertTrue(FxThread.call(item("Snapshots", "Save snapshot…")::isDisable));
            assertTrue(FxThread.call(item("Snapshots", "Load snapshot…")::isDisable));
        }

        @Test
        void insertCdChangesTheMediumOfTheFirstCdRomAndEjectEjectsIt() throws Exception {
            FxThread.run(() -> window.setImageChooser((owner, t) -> Optional.of(Path.of("/images/other.iso"))));
            FxThread.run(item("Media", "Insert CD image…")::fire);
            FxThread.run(item("Media", "Eject CD")::fire);
            assertEquals(List.of("change ide1-cd0 /images/other.iso", "eject ide1-cd0"), machine.actions);
        }

        @Test
        void aCancelledChooserChangesNothing() throws Exception {
            FxThread.run(() -> window.setImageChooser((owner, t) -> Optional.empty()));
            FxThread.run(item("Media", "Insert CD image…")::fire);
            assertEquals(List.of(), machine.actions);
        }

        @Test
        void nextStartImagesAreStoredWhereTheNextStartReadsThem(@TempDir Path dir) throws Exception {
            Path disk = java.nio.file.Files.write(dir.resolve("disk.img"), new byte[512]);
            Path file = dir.resolve("cfg/next-start.json");
            FxThread.run(() -> window.setNextStart(file, (owner, current) -> Optional.of(new NextStartMedia(disk, null, null))));
            FxThread.run(item("Media", "Disk images for the next start…")::fire);
            assertEquals(Optional.of(new NextStartMedia(disk, null, null)), NextStartMedia.load(file));
        }

        @Test
        void nextStartImagesThatDoNotExistAreRefusedAndNotStored(@TempDir Path dir) throws Exception {
            Path file = dir.resolve("next-start.json");
            List<String> shown = new java.util.ArrayList<>();
            FxThread.run(() -> {
                window.setErrorSink(shown::add);
                window.setNextStart(file, (owner, current) -> Optional.of(new NextStartMedia(dir.resolve("no.img"), null, null)));
            });
            FxThread.run(item("Media", "Disk images for the next start…")::fire);
            assertEquals(List.of("hda " + dir.resolve("no.img") + ": no such file"), shown);
            assertFalse(java.nio.file.Files.exists(file));
        }

        @Test
        void theDialogTurnsItsFieldsIntoTheChoice() throws Exception {
            NextStartMedia shown = new NextStartMedia(Path.of("/d/a.img"), null, Path.of("/d/cd.iso"));
            List<NextStartMedia> results = FxThread.call(() -> {
                NextStartDialog d = new NextStartDialog(null, shown);
                d.hdb.setText("/d/b.img");
                return java.util.Arrays.asList(d.result(NextStartDialog.SAVE), d.result(NextStartDialog.REFERENCE),
                        d.result(javafx.scene.control.ButtonType.CANCEL));
            });
            assertEquals(new NextStartMedia(Path.of("/d/a.img"), Path.of("/d/b.img"), Path.of("/d/cd.iso")), results.get(0));
            assertTrue(results.get(1).isEmpty(), "Reference CD clears the choice");
            assertEquals(null, results.get(2));
        }

        @Test
        void aMediumTheMachineRefusesIsShownAsOneLine() throws Exception {
            List<String> shown = new java.util.ArrayList<>();
            machine.refuseMedia = "/images/bad.iso: not an ISO 9660 image";
            FxThread.run(() -> {
                window.setErrorSink(shown::add);
                window.setImageChooser((owner, t) -> Optional.of(Path.of("/images/bad.iso")));
            });
            FxThread.run(item("Media", "Insert CD image…")::fire);
            assertEquals(List.of("/images/bad.iso: not an ISO 9660 image"), shown);
        }
    }

    @Nested
    class SerialConsole {
        private CheckMenuItem serialItem() throws Exception {
            return (CheckMenuItem) FxThread.call(() -> window.menu("View").getItems().stream()
                    .filter(i -> "Serial console".equals(i.getText())).findFirst().orElseThrow());
        }

        @Test
        void theItemIsDisabledUntilAConsoleIsGivenThenShowsAndHidesIt() throws Exception {
            CheckMenuItem serial = serialItem();
            assertTrue(FxThread.call(serial::isDisable));
            TextArea console = FxThread.call(TextArea::new);
            FxThread.run(() -> window.setSerialConsole(console));
            assertFalse(FxThread.call(serial::isDisable));
            FxThread.run(() -> {
                serial.setSelected(true);
                serial.fire();
            });
            assertTrue(FxThread.call(() -> console.getScene() == window.stage().getScene()), "the console is in the window");
            FxThread.run(() -> {
                serial.setSelected(false);
                serial.fire();
            });
            assertEquals(null, FxThread.call(console::getScene));
        }

        @Test
        void keysTypedIntoTheConsoleStayThereWhileScreenKeysReachTheGuest() throws Exception {
            TextArea console = FxThread.call(TextArea::new);
            CheckMenuItem serial = serialItem();
            FxThread.run(() -> {
                window.setSerialConsole(console);
                serial.setSelected(true);
                serial.fire();
                window.stage().requestFocus();
                console.requestFocus();
            });
            FxThread.run(() -> {
                new Robot().keyPress(javafx.scene.input.KeyCode.X);
                new Robot().keyRelease(javafx.scene.input.KeyCode.X);
            });
            FxThread.run(() -> { });      // let the robot's events be delivered
            assertEquals("x", FxThread.call(console::getText));
            assertEquals(null, machine.inputs.poll(200, TimeUnit.MILLISECONDS));
            FxThread.run(() -> {
                // A click on the screen grabs the pointer and gives the keyboard back to the guest.
                ScreenView screen = window.screen();
                javafx.geometry.Point2D p = screen.localToScreen(screen.getWidth() / 2, screen.getHeight() / 2);
                javafx.geometry.Point2D c = screen.localToScene(screen.getWidth() / 2, screen.getHeight() / 2);
                screen.fireEvent(new MouseEvent(MouseEvent.MOUSE_PRESSED, c.getX(), c.getY(), p.getX(), p.getY(),
                        MouseButton.PRIMARY, 1, false, false, false, false, true, false, false, false, false, false, null));
            });
            FxThread.run(() -> {
                new Robot().keyPress(javafx.scene.input.KeyCode.X);
                new Robot().keyRelease(javafx.scene.input.KeyCode.X);
            });
            FakeMachine.Input press = machine.inputs.poll(30, TimeUnit.SECONDS);
            assertNotNull(press);
            assertEquals(KeyCode.X, press.key());
        }
    }

    @Nested
    class Status {
        @Test
        void showsMipsFromTheCountersAndLightsTheCdWhileItReads() throws Exception {
            StatusBar bar = FxThread.call(StatusBar::new);      // not the window's: its timer samples too
            long t0 = 1_000_000_000L;
            FxThread.run(() -> bar.update(machine.runState(), new long[] {0}, machine.driveActivity(), t0));
            machine.cdBytesRead = 2048;
            FxThread.run(() -> bar.update(machine.runState(), new long[] {20_000_000}, machine.driveActivity(), t0 + 250_000_000L));
            assertEquals("80.0 MIPS", FxThread.call(bar::mipsShown));
            assertTrue(FxThread.call(bar::cdLit));
            assertFalse(FxThread.call(bar::diskLit));
            FxThread.run(() -> bar.update(machine.runState(), new long[] {20_000_000}, machine.driveActivity(), t0 + 500_000_000L));
            assertFalse(FxThread.call(bar::cdLit), "dark once the reads stopped");
        }

        @Test
        void theTimerFollowsThePausedMachine() throws Exception {
            FxThread.run(machine::pause);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!"Paused".equals(FxThread.call(() -> window.statusBar().stateShown())) && System.nanoTime() < deadline) {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
            assertEquals("Paused", FxThread.call(() -> window.statusBar().stateShown()));
            assertEquals("", FxThread.call(() -> window.statusBar().mipsShown()), "no rate while paused");
        }

        @Test
        void showsTheVncAddressGivenFromAnotherThread() throws Exception {
            window.setVncAddress("127.0.0.1:5901");
            assertEquals("VNC 127.0.0.1:5901", FxThread.call(() -> window.statusBar().vncShown()));
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
