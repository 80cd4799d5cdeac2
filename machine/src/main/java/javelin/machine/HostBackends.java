package javelin.machine;

import java.util.Objects;
import javelin.devices.audio.PcSpeaker;
import javelin.devices.serial.SerialBackend;

/**
 * The host side of a machine's devices, which the machine does not open itself: the back end of
 * each character device (the serial ports, the 0xE9 debug console, the POST-code log), as its
 * {@link CharDevSpec} names it, and the PC speaker's sound output. Host I/O (terminals, files,
 * sockets, sound devices) belongs to the front ends (module ui, which implements this); app
 * passes an implementation to {@link PcMachine#create}.
 *
 * <p>Threading: called by the thread that builds the machine, before any vCPU runs. The machine
 * closes everything returned here when it is closed.
 */
public interface HostBackends {
    /** The character devices of the board, each with the option that configures it. */
    enum CharDevice {
        COM1("COM1", "-serial"), COM2("COM2", "-serial"), COM3("COM3", "-serial"), COM4("COM4", "-serial"),
        DEBUGCON("debugcon", "-debugcon"), POSTCODE("postcode", "-postcode");

        /** The name a user knows the device by (a terminal's title). */
        public final String label;
        /** The command-line option that gives its back end, for error messages. */
        public final String option;

        CharDevice(String label, String option) {
            this.label = label;
            this.option = option;
        }

        /** COM1..COM4 for index 0..3. */
        public static CharDevice serialPort(int index) {
            return values()[COM1.ordinal() + Objects.checkIndex(index, 4)];
        }

        /** True for the UARTs, which read input from their back end; the debug devices only write. */
        public boolean isSerialPort() {
            return option.equals("-serial");
        }
    }

    /**
     * Opens the back end {@code spec} names for {@code device}.
     *
     * @throws MachineConfigException with one line naming the option and the back end when the
     *         host refuses it (a port in use, a file that cannot be created)
     */
    SerialBackend chardev(CharDevice device, CharDevSpec spec);

    /**
     * Starts playing {@code speaker} (only for a machine configured with audio); never fails: an
     * output with no sound device is silent. The default plays nothing.
     */
    default AutoCloseable speaker(PcSpeaker speaker) {
        return () -> { };
    }

    /** Connects nothing: every character device drops its output and gets no input; no sound. */
    HostBackends NONE = (device, spec) -> SerialBackend.NONE;
}
