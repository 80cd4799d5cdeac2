package javelin.app;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import javafx.application.Platform;
import javafx.scene.control.Alert;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javelin.machine.MachineConfig;
import javelin.machine.MachineConfigException;
import javelin.machine.PcMachine;
import javelin.ui.fx.MachineWindow;
import javelin.ui.fx.config.MachineProfile;
import javelin.ui.fx.config.MachineProfileException;
import javelin.ui.fx.config.MachineProfileStore;
import javelin.ui.fx.config.NewMachineDialog;
import javelin.ui.fx.terminal.SerialTerminal;

/**
 * The window ({@code -display javafx}, or the default on a desktop): runs the command line's
 * machine in it, then any machine the user starts from Machine > New machine or Machine > Recent
 * machines, one after another.
 *
 * <p>Switching: the chosen profile is checked and saved on the JavaFX thread, then the new
 * machine is built on a builder thread while the old one keeps running. Only once it is built
 * is the old machine asked to quit; its {@code run()} returns on the main thread, which closes it
 * and its window and opens a window on the new one. A profile that cannot be built (missing
 * image, wrong format) is reported in an alert and the old machine runs on.
 *
 * <p>Invariants: [WM-1] {@link #next} holds at most one built machine; the builder that fails to
 * install its machine there closes it. Only the main thread runs and closes machines.
 */
final class WindowedMachines {
    private static final String TITLE = "Javelin";

    private final MachineProfileStore store;
    /** Builds the configuration of a profile's machine (Main's parser). */
    private final Function<List<String>, MachineConfig> configOf;
    /** The machine to run when the current one quits [WM-1]. */
    private final AtomicReference<Session> next = new AtomicReference<>();

    WindowedMachines(MachineProfileStore store, Function<List<String>, MachineConfig> configOf) {
        this.store = store;
        this.configOf = configOf;
    }

    /** One machine with its front ends: remote consoles ({@code -vnc}, {@code -qmp}, sockets) and the serial console. */
    record Session(RemoteConsoles remote, PcMachine machine, SerialTerminal console) implements AutoCloseable {
        /** Builds a machine whose {@code vc} character device (one at most) is a terminal. */
        static Session build(MachineConfig config, String vnc, String qmp) {
            SerialTerminal[] console = {null};
            RemoteConsoles remote = new RemoteConsoles(vnc, qmp, device -> {
                if (console[0] != null) throw new MachineConfigException(device.option + " vc: only one port can be the window's console");
                console[0] = new SerialTerminal(device.label);
                return console[0];
            });
            PcMachine machine = null;
            try {
                machine = PcMachine.create(config, remote.backends());
                remote.start(machine);
                return new Session(remote, machine, console[0]);
            } catch (RuntimeException e) {
                if (machine != null) machine.close();
                if (console[0] != null) console[0].close();
                remote.close();
                throw e;
            }
        }

        @Override public void close() {
            try (remote; machine) {
                // The machine (with its serial back ends and the console) first, then the servers.
            }
        }
    }

    /**
     * Runs {@code first}, shown in {@code window}, then its successors; the exit status of the
     * last one. Closes every machine and the last window (which ends JavaFX).
     */
    int run(Session first, MachineWindow window) {
        Session current = first;
        while (true) {
            Session running = current;
            MachineWindow shown = window;
            Platform.runLater(() -> install(shown, running));
            int status;
            try {
                status = running.machine().run();
            } finally {
                Session following = next.getAndSet(null);
                if (following == null) {
                    window.close();
                    running.close();
                } else {
                    window.hide();
                    running.close();
                    current = following;
                }
            }
            if (current == running) return status;
            window = MachineWindow.openAnother(current.machine(), TITLE);
        }
    }

    /** Gives the window its serial console and the machine-switching items; JavaFX thread. */
    private void install(MachineWindow window, Session session) {
        if (session.console() != null) window.setSerialConsole(session.console().view());
        MenuItem create = new MenuItem("New machine…");
        create.setOnAction(e -> new NewMachineDialog(null, null).showAndWait()
                .ifPresent(p -> start(window, session, p)));
        Menu recent = new Menu("Recent machines");
        recent.setOnShowing(e -> fillRecent(recent, window, session));
        fillRecent(recent, window, session);
        window.menu("Machine").getItems().addAll(0, List.of(create, recent, new SeparatorMenuItem()));
    }

    private void fillRecent(Menu recent, MachineWindow window, Session session) {
        List<String> names;
        try {
            names = store.recent();
        } catch (MachineProfileException e) {
            names = List.of();
        }
        recent.getItems().clear();
        for (String name : names) {
            MenuItem item = new MenuItem(name);
            item.setMnemonicParsing(false);
            item.setOnAction(e -> {
                try {
                    start(window, session, store.load(name));
                } catch (MachineProfileException ex) {
                    alert(window, "Cannot start " + name, ex.getMessage());
                }
            });
            recent.getItems().add(item);
        }
        if (names.isEmpty()) {                                   // an empty menu would not open at all
            MenuItem none = new MenuItem("(none)");
            none.setDisable(true);
            recent.getItems().add(none);
        }
    }

    /** Checks and saves {@code profile}, then builds its machine off the JavaFX thread; JavaFX thread. */
    private void start(MachineWindow window, Session current, MachineProfile profile) {
        List<String> problems = profile.problems();
        if (!problems.isEmpty()) {
            alert(window, "Cannot start " + profile.name(), String.join("\n", problems));
            return;
        }
        try {
            store.save(profile);
        } catch (MachineProfileException e) {
            alert(window, "Cannot save " + profile.name(), e.getMessage());
            return;
        }
        Thread.ofPlatform().name("javelin-machine-builder").start(() -> {
            Session built;
            try {
                built = Session.build(configOf.apply(profile.toArguments()), null, null);
            } catch (RuntimeException e) {
                // MachineConfigException carries a one-line message; anything else still gets no trace.
                String message = e.getMessage() != null ? e.getMessage() : e.toString();
                Platform.runLater(() -> alert(window, "Cannot start " + profile.name(), message));
                return;
            }
            if (!next.compareAndSet(null, built)) {                // another switch got there first [WM-1]
                built.close();
                return;
            }
            Platform.runLater(() -> {
                try {
                    store.markRecent(profile.name());
                } catch (MachineProfileException e) {
                    alert(window, "Cannot update the recent machines", e.getMessage());
                }
            });
            current.machine().quit();
        });
    }

    private static void alert(MachineWindow window, String header, String message) {
        Alert alert = new Alert(Alert.AlertType.ERROR);
        alert.setTitle("Javelin");
        alert.setHeaderText(header);
        alert.setContentText(message);
        alert.showAndWait();
    }
}
