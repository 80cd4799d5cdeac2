package javelin.ui.fx;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.stage.Stage;
import javelin.ui.qmp.FakeMachine;

/**
 * The real window on the GTK glass platform (whatever X server {@code DISPLAY} names), over a
 * {@link FakeMachine}, for {@link RightKeysOnX11Test}: prints "ready" once the window has the
 * focus, then one line per key event that reaches the machine ("+RIGHT_SHIFT", "-KP_ENTER").
 * Its own JVM because the test JVM's JavaFX runs on the headless platform ({@link FxThread}).
 */
public final class X11KeysWindowMain {
    private X11KeysWindowMain() { }

    public static void main(String[] args) throws Exception {
        System.setProperty("prism.order", "sw");
        FakeMachine machine = new FakeMachine(64, 48);
        CompletableFuture<Void> up = new CompletableFuture<>();
        Platform.startup(() -> up.complete(null));
        up.get(30, TimeUnit.SECONDS);
        CompletableFuture<MachineWindow> shown = new CompletableFuture<>();
        Platform.runLater(() -> {
            MachineWindow w = new MachineWindow(machine, new Stage(), "Javelin keys");
            w.screen().requestFocus();
            shown.complete(w);
        });
        shown.get(30, TimeUnit.SECONDS);
        System.out.println("ready");
        System.out.flush();
        while (true) {
            FakeMachine.Input i = machine.inputs.take();
            if (!i.what().equals("key")) continue;
            System.out.println((i.pressed() ? "+" : "-") + i.key());
            System.out.flush();
        }
    }
}
