package javelin.ui.fx;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javafx.geometry.Insets;
import javafx.scene.control.Label;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.Region;
import javelin.machine.MachineControl;

/**
 * The line under the screen: running or paused, guest MIPS per vCPU, a disk and a CD activity
 * light, and the VNC address when a VNC server listens. {@link #update} is called a few times a
 * second on the JavaFX thread with counters read without the machine lock.
 */
final class StatusBar extends HBox {
    private static final String LIT = "-fx-text-fill: #1c9c1c; -fx-font-weight: bold;";
    private static final String DARK = "-fx-text-fill: #9a9a9a;";

    private final Label state = new Label();
    private final Label mips = new Label();
    private final Label disk = new Label("HD");
    private final Label cd = new Label("CD");
    private final Label vnc = new Label();
    private final MipsMeter meter = new MipsMeter();
    private final ActivityLight diskLight = new ActivityLight();
    private final ActivityLight cdLight = new ActivityLight();
    private boolean diskLit;
    private boolean cdLit;

    StatusBar() {
        super(12);
        setPadding(new Insets(2, 8, 2, 8));
        Region gap = new Region();
        HBox.setHgrow(gap, Priority.ALWAYS);
        getChildren().addAll(state, mips, gap, disk, cd, vnc);
        disk.setStyle(DARK);
        cd.setStyle(DARK);
    }

    /** Shows "VNC host:port", or nothing when {@code address} is null. */
    void setVncAddress(String address) {
        vnc.setText(address == null ? "" : "VNC " + address);
    }

    void update(MachineControl.RunState runState, long[] retired, List<MachineControl.DriveActivity> drives, long nanos) {
        state.setText(stateText(runState));
        double[] rates = meter.sample(retired, nanos);
        mips.setText(runState == MachineControl.RunState.RUNNING ? mipsText(rates) : "");
        long diskBytes = 0;
        long cdBytes = 0;
        boolean hasDisk = false;
        boolean hasCd = false;
        for (MachineControl.DriveActivity d : drives) {
            long bytes = d.bytesRead() + d.bytesWritten();
            if (d.type().equals("cdrom")) {
                cdBytes += bytes;
                hasCd = true;
            } else {
                diskBytes += bytes;
                hasDisk = true;
            }
        }
        diskLit = diskLight.update(diskBytes, nanos);
        cdLit = cdLight.update(cdBytes, nanos);
        disk.setVisible(hasDisk);
        disk.setManaged(hasDisk);
        cd.setVisible(hasCd);
        cd.setManaged(hasCd);
        disk.setStyle(diskLit ? LIT : DARK);
        cd.setStyle(cdLit ? LIT : DARK);
    }

    static String stateText(MachineControl.RunState s) {
        return switch (s) {
            case RUNNING -> "Running";
            case PAUSED -> "Paused";
            case SHUTDOWN -> "Powered off";
        };
    }

    /** "123 MIPS" for one vCPU; "vCPU0 12.5 MIPS  vCPU1 3.0 MIPS" for several; empty without a rate. */
    static String mipsText(double[] rates) {
        if (rates.length == 1) return mips(rates[0]);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < rates.length; i++) parts.add("vCPU" + i + " " + mips(rates[i]));
        return String.join("  ", parts);
    }

    /** Whole MIPS from 100 up, one decimal below: steady enough to read at a few updates a second. */
    static String mips(double rate) {
        return String.format(Locale.ROOT, rate >= 100 ? "%.0f MIPS" : "%.1f MIPS", rate);
    }

    String stateShown() {
        return state.getText();
    }

    String mipsShown() {
        return mips.getText();
    }

    String vncShown() {
        return vnc.getText();
    }

    boolean diskLit() {
        return diskLit;
    }

    boolean cdLit() {
        return cdLit;
    }
}
