package javelin.ui.qmp;

import java.util.Map;

/** What the monitor needs of a VNC server: {@code query-vnc} and {@code change-vnc-password}. */
public interface VncMonitor {
    /** The {@code VncInfo} object of QEMU's {@code query-vnc} (enabled, host, service, family, auth, clients). */
    Map<String, Object> queryVnc();

    /** Sets the VNC Authentication password; only its first 8 characters count (RFB 6.2.2). */
    void setPassword(String password);
}
