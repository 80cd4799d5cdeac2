package javelin.ui.fx;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.application.Platform;
import javafx.geometry.Bounds;
import javafx.geometry.Orientation;
import javafx.scene.Cursor;
import javafx.scene.Node;
import javafx.scene.Scene;
import javafx.scene.control.Alert;
import javafx.scene.control.CheckMenuItem;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyCombination;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.BorderPane;
import javafx.stage.FileChooser;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.util.Duration;
import javelin.devices.input.KeyCode;
import javelin.machine.MachineControl;

/**
 * The emulator's window: a menu bar over the guest screen and a status bar, with the host
 * keyboard and, once grabbed, the pointer going to the guest (docs/window.md).
 *
 * <p>Menus: Machine (Pause/Resume, Send Ctrl+Alt+Del, Reset, Power off, Quit), Media (Insert CD
 * image, Eject CD, Disk images for the next start), View (Fit to window, Integer scale,
 * Fullscreen, Serial console, Status bar) and Snapshots (present, disabled: snapshots do not
 * exist yet). {@link #menu} gives the application the menus to add its own items.
 *
 * <p>The window only asks: every menu action, key and pointer motion goes through
 * {@link MachineControl}, which posts it to the machine's thread. Closing the window quits the
 * machine (QEMU's GTK display does the same); a machine that ends by itself closes the window
 * through its SHUTDOWN event.
 *
 * <p>Keys: a scene-level event filter takes every key event before the menu bar sees it, so
 * Alt, F10 and menu mnemonics reach the guest rather than the menus; the menus are for the
 * mouse. The exceptions are the window's Ctrl+Alt shortcuts (G releases the pointer, F toggles
 * full screen) and keys typed while the serial console has the focus, which are the console's.
 * Threading: build and use on the JavaFX thread, except {@link #open}, {@link #openAnother},
 * {@link #hide}, {@link #close}, {@link #setSerialConsole} and {@link #setVncAddress}, which may
 * be called from any thread (the two open methods from any but the JavaFX thread), and
 * {@link #showStartupError}, which must not be called on the JavaFX thread.
 */
public final class MachineWindow {
    /** Set when {@link #open} could not start JavaFX (no display): it will not start in this process. */
    private static volatile boolean platformFailed;

    /** Status-bar updates per second: enough for a readable MIPS figure and a visible light. */
    static final double STATUS_HZ = 4;

    private final MachineControl control;
    private final Stage stage;
    private final ScreenView screen;
    private final KeyboardForwarder keyboard;
    private final MouseForwarder mouse;
    private final StatusBar statusBar = new StatusBar();
    private final BorderPane root = new BorderPane();
    private final Map<String, Menu> menus = new LinkedHashMap<>();
    private final MenuItem pauseResume = new MenuItem();
    private final CheckMenuItem fullscreen = new CheckMenuItem("Fullscreen");
    private final CheckMenuItem serialItem = new CheckMenuItem("Serial console");
    private final CheckMenuItem statusItem = new CheckMenuItem("Status bar");
    private final MenuItem insertCd = new MenuItem("Insert CD image…");
    private final MenuItem ejectCd = new MenuItem("Eject CD");
    private final Timeline statusTimer;
    private final String title;
    private boolean paused;
    private Node serialConsole;
    private SplitPane split;
    private javafx.scene.robot.Robot robot;
    /** Shows a one-line error to the user; an alert, replaced in tests. */
    private Consumer<String> errors = MachineWindow::showErrorAlert;
    /** Asks for a CD image: the owner window and the chooser's title; empty if cancelled. */
    private BiFunction<Window, String, Optional<Path>> chooseImage = MachineWindow::chooseImageFile;
    /** Where the next no-argument start finds its disk images, and the dialog that edits them. */
    private Path nextStartFile = NextStartMedia.file(System.getenv());
    private BiFunction<Window, NextStartMedia, Optional<NextStartMedia>> askNextStart =
            (owner, current) -> new NextStartDialog(owner, current).showAndWait();

    /** Builds the window into {@code stage} and shows it; JavaFX thread only. */
    MachineWindow(MachineControl control, Stage stage, String title) {
        this.control = control;
        this.stage = stage;
        this.title = title;
        this.screen = new ScreenView(control.framebuffer());
        this.keyboard = new KeyboardForwarder(control, KeyLocator.forThisPlatform());
        this.mouse = new MouseForwarder(control, new PointerOnScreen());
        keyboard.hotkey(javafx.scene.input.KeyCode.G, mouse::release);
        keyboard.hotkey(javafx.scene.input.KeyCode.F, () -> setFullScreen(!stage.isFullScreen()));

        root.setTop(menuBar());
        root.setCenter(screen);
        root.setBottom(statusBar);
        Scene scene = new Scene(root);
        scene.addEventFilter(KeyEvent.ANY, e -> {
            if (!inSerialConsole(scene.getFocusOwner())) keyboard.handle(e);
        });
        scene.addEventFilter(MouseEvent.ANY, mouse::handle);
        scene.addEventFilter(ScrollEvent.SCROLL, mouse::handle);
        screen.setFocusTraversable(true);
        stage.setScene(scene);
        // Esc belongs to the guest: full screen is left through View > Fullscreen or Ctrl+Alt+F.
        stage.setFullScreenExitKeyCombination(KeyCombination.NO_MATCH);
        stage.setFullScreenExitHint("Ctrl+Alt+F or View > Fullscreen leaves full screen");
        stage.fullScreenProperty().addListener((obs, was, is) -> fullscreen.setSelected(is));
        stage.focusedProperty().addListener((obs, was, is) -> {
            if (!is) {
                keyboard.releaseAll();
                mouse.release();
            }
        });
        stage.setOnCloseRequest(e -> control.quit());
        statusTimer = new Timeline(new KeyFrame(Duration.seconds(1 / STATUS_HZ), e -> updateStatus()));
        statusTimer.setCycleCount(Animation.INDEFINITE);
        stage.setOnHidden(e -> {
            screen.stop();
            statusTimer.stop();
        });
        control.addEventListener(event -> Platform.runLater(() -> onMachineEvent(event)));
        // The window opens just before the machine starts, and a machine that has not started yet
        // reports PAUSED without a STOP event; so the title starts as running, events keep it
        // right afterwards, and the menu asks the machine again whenever it opens.
        showRunState(MachineControl.RunState.RUNNING);
        updateStatus();
        stage.show();
        screen.start();
        statusTimer.play();
        screen.requestFocus();
    }

    /**
     * Starts the JavaFX platform and opens a window on {@code control}; returns once it is shown.
     * The caller keeps running the machine on its own thread: the JavaFX thread never runs the
     * CPU. Fails with {@link IllegalStateException} if JavaFX cannot start (no display).
     */
    public static MachineWindow open(MachineControl control, String title) {
        CompletableFuture<MachineWindow> shown = new CompletableFuture<>();
        Platform.setImplicitExit(false);
        try {
            Platform.startup(() -> {
                try {
                    shown.complete(new MachineWindow(control, new Stage(), title));
                } catch (RuntimeException e) {
                    shown.completeExceptionally(e);
                }
            });
            return shown.get();
        } catch (RuntimeException | ExecutionException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            platformFailed = true;
            throw new IllegalStateException("cannot open the JavaFX window: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening the JavaFX window", e);
        }
    }

    /**
     * Shows a start-up error (the machine could not be built, so there is no window) in a
     * dialog and returns when the user has closed it; then ends the JavaFX platform. Does
     * nothing when JavaFX cannot start: the caller prints the same line on standard error.
     * Not on the JavaFX thread.
     */
    public static void showStartupError(String message) {
        // After a failed start-up JavaFX cannot start again, and some of its calls would wait
        // for it for ever (setImplicitExit does).
        if (platformFailed) return;
        CompletableFuture<Void> closed = new CompletableFuture<>();
        try {
            Platform.startup(() -> { });
            Platform.runLater(() -> {
                try {
                    showErrorAlert(message);
                } finally {
                    closed.complete(null);
                }
            });
            closed.get();
            Platform.exit();
        } catch (RuntimeException | ExecutionException e) {
            // No display (or JavaFX already gone): the line on standard error is the report.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Opens a window on {@code control} on the JavaFX platform that an earlier {@link #open}
     * started, as when the application replaces the machine (Machine > New machine); returns
     * once it is shown. Call from any thread but the JavaFX thread.
     */
    public static MachineWindow openAnother(MachineControl control, String title) {
        CompletableFuture<MachineWindow> shown = new CompletableFuture<>();
        Platform.runLater(() -> {
            try {
                shown.complete(new MachineWindow(control, new Stage(), title));
            } catch (RuntimeException e) {
                shown.completeExceptionally(e);
            }
        });
        try {
            return shown.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot open the JavaFX window: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening the JavaFX window", e);
        }
    }

    /** Hides the window but keeps the JavaFX platform for {@link #openAnother}; any thread. */
    public void hide() {
        Platform.runLater(stage::hide);
    }

    /** Closes the window and ends the JavaFX platform that {@link #open} started. */
    public void close() {
        Platform.runLater(stage::hide);
        Platform.exit();
    }

    /** The menu named "Machine", "Media", "View" or "Snapshots", for the application's own items. */
    public Menu menu(String name) {
        Menu m = menus.get(name);
        if (m == null) throw new IllegalArgumentException("no menu '" + name + "' (one of " + menus.keySet() + ")");
        return m;
    }

    /**
     * Gives the window a serial console view: View > Serial console then shows it below the
     * screen, and hides it again. While a node inside it has the focus, keys go to it and not to
     * the guest keyboard. Without a console the menu item stays disabled. Any thread (applied
     * on the JavaFX thread).
     */
    public void setSerialConsole(Node console) {
        if (!Platform.isFxApplicationThread()) {
            Platform.runLater(() -> setSerialConsole(console));
            return;
        }
        if (serialItem.isSelected()) showSerialConsole(false);
        serialConsole = console;
        serialItem.setDisable(console == null);
        serialItem.setSelected(false);
    }

    /** Shows "VNC host:port" in the status bar (null: none); any thread. */
    public void setVncAddress(String address) {
        if (Platform.isFxApplicationThread()) statusBar.setVncAddress(address);
        else Platform.runLater(() -> statusBar.setVncAddress(address));
    }

    Stage stage() {
        return stage;
    }

    ScreenView screen() {
        return screen;
    }

    StatusBar statusBar() {
        return statusBar;
    }

    MouseForwarder mouse() {
        return mouse;
    }

    /** For tests: where error messages go, and what the CD chooser answers. */
    void setErrorSink(Consumer<String> errors) {
        this.errors = errors;
    }

    void setImageChooser(BiFunction<Window, String, Optional<Path>> chooser) {
        this.chooseImage = chooser;
    }

    void setNextStart(Path file, BiFunction<Window, NextStartMedia, Optional<NextStartMedia>> dialog) {
        this.nextStartFile = file;
        this.askNextStart = dialog;
    }

    // ---- menus ------------------------------------------------------------------------------

    private MenuBar menuBar() {
        pauseResume.setOnAction(e -> {
            if (control.runState() == MachineControl.RunState.PAUSED) {
                control.resume();
            } else {
                control.pause();
            }
        });
        MenuItem ctrlAltDel = new MenuItem("Send Ctrl+Alt+Del");
        ctrlAltDel.setOnAction(e -> keyboard.sendCombination(KeyCode.LEFT_CONTROL, KeyCode.LEFT_ALT, KeyCode.DELETE));
        MenuItem reset = new MenuItem("Reset");
        reset.setOnAction(e -> control.reset());
        // No ACPI yet, so no soft power-off the guest could act on: this pulls the plug and ends
        // the machine, as closing QEMU's window does.
        MenuItem powerOff = new MenuItem("Power off");
        powerOff.setOnAction(e -> control.quit());
        MenuItem quit = new MenuItem("Quit");
        quit.setOnAction(e -> control.quit());
        Menu machine = addMenu("Machine", pauseResume, ctrlAltDel, new SeparatorMenuItem(), reset, powerOff,
                new SeparatorMenuItem(), quit);
        machine.setOnShowing(e -> showRunState(control.runState()));

        insertCd.setOnAction(e -> insertCd());
        ejectCd.setOnAction(e -> cdDevice().ifPresent(d -> act(() -> control.eject(d))));
        MenuItem nextStart = new MenuItem("Disk images for the next start…");
        nextStart.setOnAction(e -> chooseNextStart());
        Menu media = addMenu("Media", insertCd, ejectCd, new SeparatorMenuItem(), nextStart);
        media.setOnShowing(e -> {
            boolean hasCd = cdDevice().isPresent();
            insertCd.setDisable(!hasCd);
            ejectCd.setDisable(!hasCd);
        });

        ToggleGroup scaling = new ToggleGroup();
        RadioMenuItem fit = new RadioMenuItem("Fit to window");
        fit.setToggleGroup(scaling);
        fit.setSelected(screen.mode() == ScreenScale.Mode.FIT);
        fit.setOnAction(e -> screen.setMode(ScreenScale.Mode.FIT));
        RadioMenuItem integer = new RadioMenuItem("Integer scale");
        integer.setToggleGroup(scaling);
        integer.setSelected(screen.mode() == ScreenScale.Mode.INTEGER);
        integer.setOnAction(e -> screen.setMode(ScreenScale.Mode.INTEGER));
        fullscreen.setOnAction(e -> setFullScreen(fullscreen.isSelected()));
        serialItem.setDisable(true);
        serialItem.setOnAction(e -> showSerialConsole(serialItem.isSelected()));
        statusItem.setSelected(true);
        statusItem.setOnAction(e -> root.setBottom(statusItem.isSelected() ? statusBar : null));
        addMenu("View", fit, integer, new SeparatorMenuItem(), fullscreen, new SeparatorMenuItem(), serialItem, statusItem);

        // Snapshots do not exist yet (issue: -loadvm/savevm); the entries show where they will be.
        MenuItem save = new MenuItem("Save snapshot…");
        MenuItem load = new MenuItem("Load snapshot…");
        save.setDisable(true);
        load.setDisable(true);
        addMenu("Snapshots", save, load);
        return new MenuBar(menus.values().toArray(Menu[]::new));
    }

    private Menu addMenu(String name, MenuItem... items) {
        Menu m = new Menu(name, null, items);
        m.setMnemonicParsing(false);
        menus.put(name, m);
        return m;
    }

    /** The first CD-ROM drive, as {@code blockDevices()} lists it. */
    private Optional<String> cdDevice() {
        return control.blockDevices().stream().filter(b -> b.type().equals("cdrom")).map(MachineControl.BlockInfo::device).findFirst();
    }

    private void insertCd() {
        Optional<String> device = cdDevice();
        if (device.isEmpty()) return;
        chooseImage.apply(stage, "Insert CD image").ifPresent(iso -> act(() -> control.changeMedium(device.get(), iso)));
    }

    /** Edits the images of the next no-argument start; refuses files that do not exist. */
    private void chooseNextStart() {
        NextStartMedia current = null;
        try {
            current = NextStartMedia.load(nextStartFile).orElse(null);
        } catch (IllegalArgumentException e) {
            errors.accept(e.getMessage() + "; starting afresh");
        }
        askNextStart.apply(stage, current).ifPresent(choice -> {
            List<String> problems = choice.problems();
            if (!problems.isEmpty()) {
                errors.accept(String.join("\n", problems));
                return;
            }
            try {
                choice.save(nextStartFile);
            } catch (IOException e) {
                errors.accept("cannot save " + nextStartFile + ": " + e.getMessage());
            }
        });
    }

    /** Runs a menu action; a failure (a missing or unreadable image, ...) is shown, one line. */
    private void act(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            errors.accept(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private static Optional<Path> chooseImageFile(Window owner, String title) {
        FileChooser chooser = new FileChooser();
        chooser.setTitle(title);
        chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter("ISO images", "*.iso", "*.ISO"),
                new FileChooser.ExtensionFilter("All files", "*"));
        File f = chooser.showOpenDialog(owner);
        return Optional.ofNullable(f).map(File::toPath);
    }

    /** An error dialog with the one-line message; JavaFX thread. */
    static void showErrorAlert(String message) {
        Alert alert = new Alert(Alert.AlertType.ERROR, message);
        alert.setTitle("Javelin");
        alert.setHeaderText(null);
        alert.showAndWait();
    }

    private void setFullScreen(boolean on) {
        stage.setFullScreen(on);
        fullscreen.setSelected(on);
    }

    private void showSerialConsole(boolean show) {
        if (serialConsole == null) return;
        if (show) {
            split = new SplitPane(screen, serialConsole);
            split.setOrientation(Orientation.VERTICAL);
            split.setDividerPositions(0.7);
            root.setCenter(split);
            root.applyCss();        // the split pane's skin puts the console into the scene now,
            root.layout();          // so it can take the focus at once
            serialConsole.requestFocus();
        } else {
            if (split != null) split.getItems().clear();
            split = null;
            root.setCenter(screen);
            screen.requestFocus();
        }
        serialItem.setSelected(show);
    }

    /** Whether {@code node} is the serial console or inside it. */
    private boolean inSerialConsole(Node node) {
        if (serialConsole == null || !serialItem.isSelected()) return false;
        for (Node n = node; n != null; n = n.getParent()) {
            if (n == serialConsole) return true;
        }
        return false;
    }

    // ---- state shown ------------------------------------------------------------------------

    private void updateStatus() {
        statusBar.update(control.runState(), control.instructionsRetired(), control.driveActivity(), System.nanoTime());
    }

    private void onMachineEvent(MachineControl.Event event) {
        switch (event) {
            case STOP -> showRunState(MachineControl.RunState.PAUSED);
            case RESUME -> showRunState(MachineControl.RunState.RUNNING);
            case SHUTDOWN -> stage.hide();
            case RESET, POWERDOWN -> { }
        }
    }

    /** The Pause/Resume item and the title follow the run state, as QEMU's "[Paused]" title does. */
    private void showRunState(MachineControl.RunState state) {
        paused = state == MachineControl.RunState.PAUSED;
        pauseResume.setText(paused ? "Resume" : "Pause");
        showTitle();
    }

    private void showTitle() {
        stage.setTitle(WindowTitle.of(title, mouse.grabbed(), paused));
    }

    /** The screen as the pointer sees it: bounds, scale, the real pointer and the cursor. */
    private final class PointerOnScreen implements MouseForwarder.Screen {
        @Override public Bounds areaOnScreen() {
            return screen.localToScreen(screen.getLayoutBounds());
        }

        @Override public double scale() {
            return screen.scale();
        }

        @Override public void warp(double x, double y) {
            if (robot == null) robot = new javafx.scene.robot.Robot();
            robot.mouseMove(x, y);
        }

        @Override public void grabChanged(boolean grabbed) {
            // Cursor.NONE on the whole scene: while grabbed the pointer may cross the menu bar.
            stage.getScene().setCursor(grabbed ? Cursor.NONE : Cursor.DEFAULT);
            if (grabbed) screen.requestFocus();     // the grabbing click was consumed before the screen saw it
            showTitle();
        }
    }
}
