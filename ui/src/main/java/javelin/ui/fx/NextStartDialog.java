package javelin.ui.fx;

import java.io.File;
import java.nio.file.Path;
import javafx.scene.control.Button;
import javafx.scene.control.ButtonBar;
import javafx.scene.control.ButtonType;
import javafx.scene.control.Dialog;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.stage.FileChooser;
import javafx.stage.Window;

/**
 * Media > "Disk images for the next start…": hard disks 1 and 2 (hda, hdb) and the CD image
 * that the next no-argument start uses ({@link NextStartMedia}). "Save" stores them (files that
 * do not exist are refused first); "Reference CD" clears the choice. JavaFX thread only.
 */
final class NextStartDialog extends Dialog<NextStartMedia> {
    static final ButtonType SAVE = new ButtonType("Save", ButtonBar.ButtonData.OK_DONE);
    static final ButtonType REFERENCE = new ButtonType("Reference CD", ButtonBar.ButtonData.LEFT);

    final TextField hda = new TextField();
    final TextField hdb = new TextField();
    final TextField cdrom = new TextField();

    NextStartDialog(Window owner, NextStartMedia current) {
        initOwner(owner);
        setTitle("Disk images for the next start");
        setHeaderText("Used when Javelin starts without options, instead of the reference CD.");
        if (current != null) {
            hda.setText(text(current.hda()));
            hdb.setText(text(current.hdb()));
            cdrom.setText(text(current.cdrom()));
        }
        GridPane grid = new GridPane(8, 8);
        row(grid, 0, "Hard disk 1 (hda)", hda, "Disk images", "*.img", "*.raw");
        row(grid, 1, "Hard disk 2 (hdb)", hdb, "Disk images", "*.img", "*.raw");
        row(grid, 2, "CD-ROM", cdrom, "ISO images", "*.iso", "*.ISO");
        getDialogPane().setContent(grid);
        getDialogPane().getButtonTypes().addAll(REFERENCE, ButtonType.CANCEL, SAVE);
        setResultConverter(this::result);
    }

    private static String text(Path p) {
        return p == null ? "" : p.toString();
    }

    private void row(GridPane grid, int row, String label, TextField field, String kind, String... patterns) {
        field.setPrefColumnCount(32);
        Button browse = new Button("Browse…");
        browse.setOnAction(e -> {
            FileChooser chooser = new FileChooser();
            chooser.setTitle(label);
            chooser.getExtensionFilters().addAll(new FileChooser.ExtensionFilter(kind, patterns),
                    new FileChooser.ExtensionFilter("All files", "*"));
            File f = chooser.showOpenDialog(getDialogPane().getScene().getWindow());
            if (f != null) field.setText(f.getAbsolutePath());
        });
        grid.addRow(row, new Label(label), field, browse);
    }

    /** What the pressed button means: the fields, nothing chosen (reference CD), or null (cancel). */
    NextStartMedia result(ButtonType button) {
        if (button == SAVE) return new NextStartMedia(path(hda), path(hdb), path(cdrom));
        if (button == REFERENCE) return new NextStartMedia(null, null, null);
        return null;
    }

    private static Path path(TextField f) {
        String t = f.getText().strip();
        return t.isEmpty() ? null : Path.of(t);
    }
}
