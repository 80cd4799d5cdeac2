package javelin.ui.fx;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.RadioMenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.ToggleGroup;
import javafx.scene.input.KeyEvent;
import javafx.scene.input.MouseEvent;
import javafx.scene.input.ScrollEvent;
import javafx.scene.layout.BorderPane;
import javafx.stage.Stage;
import javelin.machine.MachineControl;

/**
 * The emulator's window: a menu bar (Machine: Pause/Resume, Reset, Quit; View: Fit to window,
 * Integer scale) over the guest screen, with the host keyboard and, over the screen, the mouse
 * going to the guest.
 *
 * <p>The window only asks: every menu action and key goes through {@link MachineControl}, which
 * posts it to the machine's thread. Closing the window quits the machine (QEMU's GTK display
 * does the same); a machine that ends by itself closes the window through its SHUTDOWN event.
 *
 * <p>Keys: a scene-level event filter takes every key event before the menu bar sees it, so
 * Alt, F10 and menu mnemonics reach the guest rather than the menus; the menus are for the
 * mouse. Threading: build and use on the JavaFX thread, except {@link #open} and
 * {@link #close}, which may be called from any other thread.
 */
public final class MachineWindow {
    private final MachineControl control;
    private final Stage stage;
    private final ScreenView screen;
    private final KeyboardForwarder keyboard;
    private final MenuItem pauseResume = new MenuItem();
    private final String title;

    /** Builds the window into {@code stage} and shows it; JavaFX thread only. */
    MachineWindow(MachineControl control, Stage stage, String title) {
        this.control = control;
        this.stage = stage;
        this.title = title;
        this.screen = new ScreenView(control.framebuffer());
        this.keyboard = new KeyboardForwarder(control);

        BorderPane root = new BorderPane(screen);
        root.setTop(menuBar());
        Scene scene = new Scene(root);
        scene.addEventFilter(KeyEvent.ANY, keyboard::handle);
        MouseForwarder mouse = new MouseForwarder(control, screen::scale);
        screen.addEventHandler(MouseEvent.ANY, mouse::handle);
        screen.addEventHandler(ScrollEvent.SCROLL, mouse::handle);
        stage.setScene(scene);
        stage.focusedProperty().addListener((obs, was, is) -> {
            if (!is) keyboard.releaseAll();
        });
        stage.setOnCloseRequest(e -> control.quit());
        stage.setOnHidden(e -> screen.stop());
        control.addEventListener(event -> Platform.runLater(() -> onMachineEvent(event)));
        // The window opens just before the machine starts, and a machine that has not started yet
        // reports PAUSED without a STOP event; so the title starts as running, events keep it
        // right afterwards, and the menu asks the machine again whenever it opens.
        showRunState(MachineControl.RunState.RUNNING);
        stage.show();
        screen.start();
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
            throw new IllegalStateException("cannot open the JavaFX window: " + cause.getMessage(), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening the JavaFX window", e);
        }
    }

    /** Closes the window and ends the JavaFX platform that {@link #open} started. */
    public void close() {
        Platform.runLater(stage::hide);
        Platform.exit();
    }

    Stage stage() {
        return stage;
    }

    ScreenView screen() {
        return screen;
    }

    private MenuBar menuBar() {
        pauseResume.setOnAction(e -> {
            if (control.runState() == MachineControl.RunState.PAUSED) {
                control.resume();
            } else {
                control.pause();
            }
        });
        MenuItem reset = new MenuItem("Reset");
        reset.setOnAction(e -> control.reset());
        MenuItem quit = new MenuItem("Quit");
        quit.setOnAction(e -> control.quit());
        Menu machine = new Menu("Machine", null, pauseResume, reset, new SeparatorMenuItem(), quit);
        machine.setOnShowing(e -> showRunState(control.runState()));

        ToggleGroup scaling = new ToggleGroup();
        RadioMenuItem fit = new RadioMenuItem("Fit to window");
        fit.setToggleGroup(scaling);
        fit.setSelected(screen.mode() == ScreenScale.Mode.FIT);
        fit.setOnAction(e -> screen.setMode(ScreenScale.Mode.FIT));
        RadioMenuItem integer = new RadioMenuItem("Integer scale");
        integer.setToggleGroup(scaling);
        integer.setSelected(screen.mode() == ScreenScale.Mode.INTEGER);
        integer.setOnAction(e -> screen.setMode(ScreenScale.Mode.INTEGER));
        Menu view = new Menu("View", null, fit, integer);

        machine.setMnemonicParsing(false);
        view.setMnemonicParsing(false);
        return new MenuBar(machine, view);
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
        boolean paused = state == MachineControl.RunState.PAUSED;
        pauseResume.setText(paused ? "Resume" : "Pause");
        stage.setTitle(paused ? title + " [Paused]" : title);
    }
}
