package javelin.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javelin.devices.audio.PcSpeaker;
import javelin.devices.serial.SerialBackend;
import javelin.machine.CharDevSpec;
import javelin.machine.HostBackends.CharDevice;
import javelin.machine.MachineConfigException;
import javelin.ui.audio.OpenAlSpeakerOutput;
import javelin.ui.chardev.SocketSerialBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of back end a spec names is opened as itself; failures name the option and the spec. */
class LocalBackendsTest {
    private static LocalBackends headless() {
        return new LocalBackends(() -> {
            throw new AssertionError("no socket was asked for");
        }, null);
    }

    @Test
    void nullConnectsNothing() {
        try (LocalBackends host = headless()) {
            assertSame(SerialBackend.NONE, host.chardev(CharDevice.COM1, new CharDevSpec.Null()));
        }
    }

    @Test
    void aFileReceivesWhatTheDeviceWritesAndIsClosedWithTheBackEnds(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("debugcon.txt");
        try (LocalBackends host = headless()) {
            SerialBackend b = host.chardev(CharDevice.DEBUGCON, new CharDevSpec.File(log));
            for (byte c : "ok".getBytes(StandardCharsets.US_ASCII)) b.transmit(c);
        }
        assertEquals("ok", Files.readString(log), "flushed when closed");
    }

    @Test
    void aFileThatCannotBeCreatedIsOneLineNamingTheOptionAndTheSpec(@TempDir Path dir) {
        Path missing = dir.resolve("no/such/dir/com2.txt");
        try (LocalBackends host = headless()) {
            MachineConfigException e = assertThrows(MachineConfigException.class,
                    () -> host.chardev(CharDevice.COM2, new CharDevSpec.File(missing)));
            assertTrue(e.getMessage().startsWith("-serial file:" + missing + ": "), e.getMessage());
        }
    }

    @Test
    void vcWithoutAWindowIsRefused() {
        try (LocalBackends host = headless()) {
            MachineConfigException e = assertThrows(MachineConfigException.class,
                    () -> host.chardev(CharDevice.POSTCODE, new CharDevSpec.VirtualConsole()));
            assertEquals("-postcode vc: the console is shown in the window; add -display javafx", e.getMessage());
        }
    }

    @Test
    void vcIsTheWindowsTerminalForThatDevice() {
        List<CharDevice> asked = new ArrayList<>();
        SerialBackend terminal = new SerialBackend() {
            @Override public void transmit(int b) { }

            @Override public void attach(HostInput input) { }

            @Override public void close() { }
        };
        try (LocalBackends host = new LocalBackends(() -> null, device -> {
            asked.add(device);
            return terminal;
        })) {
            assertSame(terminal, host.chardev(CharDevice.COM3, new CharDevSpec.VirtualConsole()));
        }
        assertEquals(List.of(CharDevice.COM3), asked);
    }

    @Test
    void aSocketListensOnTheGroupItIsGiven() {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (LocalBackends host = new LocalBackends(() -> group, null)) {
            SerialBackend b = host.chardev(CharDevice.COM1, new CharDevSpec.Tcp("127.0.0.1", 0, true, false, false));
            assertTrue(assertInstanceOf(SocketSerialBackend.class, b).port() > 0, "bound a port");
        } finally {
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }

    /** The ui pom sets ALSOFT_DRIVERS=null: OpenAL Soft's null driver is a device. */
    @Test
    void theSpeakerPlaysThroughOpenAl() {
        try (LocalBackends host = headless()) {
            assertTrue(assertInstanceOf(OpenAlSpeakerOutput.class, host.speaker(new PcSpeaker())).isAudible());
        }
    }
}
