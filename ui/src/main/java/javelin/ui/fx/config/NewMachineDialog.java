package javelin.ui.fx.config;

import java.io.File;
import java.util.List;
import java.util.Optional;
import javafx.event.ActionEvent;
import javafx.geometry.Insets;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.Spinner;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.paint.Color;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * "Machine > New machine...": a name, what to boot (CD image, disk images, or a kernel with
 * initrd and command line, each with a file chooser), memory and CPUs. OK checks the profile
 * ({@link MachineProfile#problems()}) and lists what is wrong inside the dialog instead of
 * closing; Cancel gives nothing. JavaFX thread only.
 */
public final class NewMachineDialog {
    private final Dialog<MachineProfile> dialog = new Dialog<>();
    final TextField name = new TextField();
    final TextField cdrom = new TextField();
    final TextField hda = new TextField();
    final TextField hdb = new TextField();
    final TextField kernel = new TextField();
    final TextField initrd = new TextField();
    final TextField append = new TextField();
    final Spinner<Integer> memoryMiB = new Spinner<>(MachineProfile.MIN_MEMORY_MIB, MachineProfile.MAX_MEMORY_MIB,
            MachineProfile.DEFAULT_MEMORY_MIB, 64);
    final Spinner<Integer> cpus = new Spinner<>(1, MachineProfile.MAX_CPUS, 1);
    /** The problems OK found, one per line; empty when there are none. */
    final Label problems = new Label();

    /** A dialog filled from {@code initial} (null: empty, 512 MiB, one CPU), owned by {@code owner} (may be null). */
    public NewMachineDialog(Window owner, MachineProfile initial) {
        dialog.setTitle("New machine");
        dialog.setHeaderText("A machine to start now and keep in Machine > Recent machines");
        if (owner != null) dialog.initOwner(owner);
        memoryMiB.setEditable(true);
        cpus.setEditable(true);
        problems.setTextFill(Color.FIREBRICK);
        problems.setWrapText(true);
        if (initial != null) fill(initial);

        GridPane grid = new GridPane();
        grid.setHgap(8);
        grid.setVgap(6);
        grid.setPadding(new Insets(12));
        int row = 0;
        grid.addRow(row++, new Label("Name"), name);
        grid.addRow(row++, new Label("CD image (ISO)"), withChooser(cdrom, "CD image", "ISO images", "*.iso"));
        grid.addRow(row++, new Label("Disk image"), withChooser(hda, "Disk image", "Disk images", "*.img", "*.raw", "*.bin"));
        grid.addRow(row++, new Label("Second disk"), withChooser(hdb, "Second disk image", "Disk images", "*.img", "*.raw", "*.bin"));
        grid.addRow(row++, new Label("Kernel"), withChooser(kernel, "Kernel", null));
        grid.addRow(row++, new Label("Initrd"), withChooser(initrd, "Initial ramdisk", null));
        grid.addRow(row++, new Label("Kernel command line"), append);
        grid.addRow(row++, new Label("Memory (MiB)"), memoryMiB);
        grid.addRow(row++, new Label("CPUs"), cpus);
        grid.add(problems, 0, row, 2, 1);
        GridPane.setHgrow(name, Priority.ALWAYS);

        dialog.getDialogPane().setContent(grid);
        dialog.getDialogPane().getButtonTypes().setAll(ButtonType.OK, ButtonType.CANCEL);
        okButton().addEventFilter(ActionEvent.ACTION, e -> {
            if (!check()) e.consume();                               // stay open and show why
        });
        dialog.setResultConverter(button -> button == ButtonType.OK ? profile() : null);
    }

    /** Shows the dialog and waits; the profile the user confirmed, or empty if cancelled. */
    public Optional<MachineProfile> showAndWait() {
        return dialog.showAndWait();
    }

    Dialog<MachineProfile> dialog() {
        return dialog;
    }

    Button okButton() {
        return (Button) dialog.getDialogPane().lookupButton(ButtonType.OK);
    }

    private void fill(MachineProfile p) {
        name.setText(p.name());
        cdrom.setText(orEmpty(p.cdrom()));
        hda.setText(orEmpty(p.hda()));
        hdb.setText(orEmpty(p.hdb()));
        kernel.setText(orEmpty(p.kernel()));
        initrd.setText(orEmpty(p.initrd()));
        append.setText(orEmpty(p.append()));
        memoryMiB.getValueFactory().setValue(clamp(p.memoryMiB(), MachineProfile.MIN_MEMORY_MIB, MachineProfile.MAX_MEMORY_MIB));
        cpus.getValueFactory().setValue(clamp(p.cpus(), 1, MachineProfile.MAX_CPUS));
    }

    private static String orEmpty(String s) {
        return s == null ? "" : s;
    }

    private static int clamp(int v, int lo, int hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    /** The profile the fields describe now. */
    MachineProfile profile() {
        return MachineProfile.of(name.getText(), cdrom.getText(), hda.getText(), hdb.getText(), kernel.getText(),
                initrd.getText(), append.getText(), spinnerValue(memoryMiB), spinnerValue(cpus));
    }

    /** A spinner's value including text typed but not yet committed; -1 if that is not a number. */
    private static int spinnerValue(Spinner<Integer> s) {
        String text = s.getEditor().getText().strip();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return text.isEmpty() ? s.getValue() : -1;
        }
    }

    /** Shows the profile's problems; true if there are none. */
    private boolean check() {
        List<String> found = profile().problems();
        problems.setText(String.join("\n", found));
        dialog.getDialogPane().getScene().getWindow().sizeToScene();
        return found.isEmpty();
    }

    private Node withChooser(TextField field, String title, String filterName, String... patterns) {
        Button browse = new Button("Browse...");
        browse.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle(title);
            if (filterName != null) {
                chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter(filterName, patterns),
                        new FileChooser.ExtensionFilter("All files", "*"));
            }
            File current = field.getText().isBlank() ? null : new File(field.getText().strip()).getParentFile();
            if (current != null && current.isDirectory()) chooser.setInitialDirectory(current);
            File chosen = chooser.showOpenDialog(dialog.getDialogPane().getScene().getWindow());
            if (chosen != null) field.setText(chosen.getPath());
        });
        HBox box = new HBox(6, field, browse);
        HBox.setHgrow(field, Priority.ALWAYS);
        field.setPrefColumnCount(32);
        return box;
    }
}
