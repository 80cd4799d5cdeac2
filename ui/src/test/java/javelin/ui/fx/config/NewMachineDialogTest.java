package javelin.ui.fx.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javafx.scene.control.ButtonType;
import javelin.ui.fx.FxTests;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dialog on JavaFX's headless platform: fill the fields as a user would, press OK. */
class NewMachineDialogTest {
    @TempDir
    Path dir;

    private NewMachineDialog dialog;

    @BeforeAll
    static void startJavaFx() throws Exception {
        FxTests.start();
    }

    @BeforeEach
    void open() throws Exception {
        dialog = FxTests.call(() -> {
            NewMachineDialog d = new NewMachineDialog(null, null);
            d.dialog().show();
            return d;
        });
    }

    @AfterEach
    void close() throws Exception {
        FxTests.run(() -> {
            if (dialog.dialog().isShowing()) {
                dialog.dialog().setResult(null);
                dialog.dialog().close();
            }
        });
    }

    @Test
    void okWithValidFieldsGivesTheProfile() throws Exception {
        Path iso = Files.write(dir.resolve("cd.iso"), new byte[] {1});
        MachineProfile result = FxTests.call(() -> {
            dialog.name.setText("Tiny Linux");
            dialog.cdrom.setText(iso.toString());
            dialog.memoryMiB.getEditor().setText("256");              // typed, not yet committed
            dialog.cpus.getValueFactory().setValue(2);
            dialog.okButton().fire();
            return dialog.dialog().getResult();
        });
        assertEquals(MachineProfile.of("Tiny Linux", iso.toString(), null, null, null, null, null, 256, 2), result);
        assertTrue(!FxTests.call(() -> dialog.dialog().isShowing()));
    }

    @Test
    void okWithProblemsStaysOpenAndListsThem() throws Exception {
        String missing = dir.resolve("missing.iso").toString();
        String shown = FxTests.call(() -> {
            dialog.cdrom.setText(missing);
            dialog.okButton().fire();
            return dialog.problems.getText();
        });
        assertEquals("Name: give the machine a name\nCD image " + missing + ": no such file", shown);
        assertTrue(FxTests.call(() -> dialog.dialog().isShowing()));
        assertNull(FxTests.call(() -> dialog.dialog().getResult()));
    }

    @Test
    void startsFromAGivenProfile() throws Exception {
        Path kernel = Files.write(dir.resolve("bzImage"), new byte[] {1});
        MachineProfile initial = MachineProfile.of("k", null, null, null, kernel.toString(), null, "console=ttyS0", 96, 3);
        MachineProfile result = FxTests.call(() -> {
            NewMachineDialog d = new NewMachineDialog(null, initial);
            d.dialog().show();
            d.okButton().fire();
            return d.dialog().getResult();
        });
        assertEquals(initial, result);
    }

    @Test
    void cancelGivesNothing() throws Exception {
        MachineProfile result = FxTests.call(() -> {
            dialog.name.setText("x");
            dialog.dialog().getDialogPane().lookupButton(ButtonType.CANCEL);
            ((javafx.scene.control.Button) dialog.dialog().getDialogPane().lookupButton(ButtonType.CANCEL)).fire();
            return dialog.dialog().getResult();
        });
        assertNull(result);
    }
}
