package javelin.machine;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javelin.devices.display.Framebuffer;
import javelin.devices.input.KeyCode;

/**
 * What front ends (the window, the VNC server, the QMP monitor) may see and do of a running
 * machine: the small API through which ui reaches machine (docs/architecture.md, "Modules and
 * packages": ui depends on machine only through it). Every method is safe to call from any
 * thread; methods that change guest-visible state post the change to the machine, which applies
 * it under the machine lock (the UI thread never changes device state itself).
 */
public interface MachineControl {
    enum RunState { RUNNING, PAUSED, SHUTDOWN }

    /** QMP-style events a front end can observe. */
    enum Event { STOP, RESUME, RESET, SHUTDOWN, POWERDOWN }

    @FunctionalInterface
    interface EventListener {
        void onEvent(Event event);
    }

    /** One vCPU as {@code query-cpus-fast} and {@code info registers} show it. */
    record CpuInfo(int index, boolean halted, String mode, long eip, String registerDump) { }

    /** One block device as {@code query-block} shows it. */
    record BlockInfo(String device, String type, boolean removable, boolean readOnly, Path file) { }

    /**
     * Bytes one block device has moved for the guest since power-on (QEMU's {@code rd_bytes},
     * {@code wr_bytes}); a front end lights an activity indicator while they change.
     */
    record DriveActivity(String device, String type, long bytesRead, long bytesWritten) { }

    RunState runState();

    /** Stops the vCPUs and the virtual clock (QMP {@code stop}). */
    void pause();

    /** Resumes after {@link #pause()} (QMP {@code cont}). */
    void resume();

    /** A hardware reset of the whole machine (QMP {@code system_reset}). */
    void reset();

    /** The power button (QMP {@code system_powerdown}); the guest decides what to do. */
    void powerButton();

    /** Ends the emulator (QMP {@code quit}). */
    void quit();

    void addEventListener(EventListener listener);

    /** The shared ARGB framebuffer the display device renders into. */
    Framebuffer framebuffer();

    /** The characters on screen when the display is in a text mode, else an empty list. */
    List<String> screenText();

    /** A key of the PC keyboard pressed or released. */
    void keyEvent(KeyCode key, boolean pressed);

    /** Relative mouse motion, wheel ({@code dz}) and the button state (bit 0 left, 1 right, 2 middle). */
    void mouseEvent(int dx, int dy, int dz, int buttons);

    List<CpuInfo> cpus();

    List<BlockInfo> blockDevices();

    /** Ejects the medium of a removable drive ({@code ide1-cd0} style names, as QEMU). */
    void eject(String device);

    /** Inserts a new medium into a removable drive. */
    void changeMedium(String device, Path image);

    /** Reads guest physical memory (QMP {@code xp}); unmapped bytes read as 0xFF. */
    byte[] readPhysical(long address, int length);

    /**
     * Reads guest memory at a linear (virtual) address through the first vCPU's page tables
     * (QMP {@code x}), as a debugger does: no accessed or dirty bits set, no TLB entry, no page
     * fault. Empty when any byte of the range lies on a page with no present translation.
     * A machine that cannot walk page tables reports every address as unmapped.
     */
    default Optional<byte[]> readVirtual(long address, int length) {
        return Optional.empty();
    }

    /**
     * Instructions each vCPU has retired since the machine started, indexed by vCPU; a front
     * end shows the rate (guest MIPS). Cheap and lock-free: the counts may lag by a slice.
     * A machine that does not count reports no vCPUs.
     */
    default long[] instructionsRetired() {
        return new long[0];
    }

    /** The transfer counters of every block device, in {@link #blockDevices()} order; lock-free. */
    default List<DriveActivity> driveActivity() {
        return List.of();
    }
}
