package javelin.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import javelin.machine.MachineConfig.TraceItem;
import javelin.machine.MachineConfigException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    /**
     * Runs the command line headless: without {@code -display}, a desktop's DISPLAY would open
     * the window, or an error dialog that waits for a click.
     */
    private static String run(String... args) {
        StringWriter err = new StringWriter();
        if (!java.util.Arrays.asList(args).contains("-display")) {
            args = java.util.stream.Stream.concat(java.util.Arrays.stream(args), java.util.stream.Stream.of("-display", "none"))
                    .toArray(String[]::new);
        }
        int status = Main.execute(args, new PrintWriter(err, true));
        return status + "|" + err;
    }

    @Nested
    class NoArguments {
        /** The next-start CD stands in for the reference CD, so no image is built. */
        private java.util.Map<String, String> env(Path config, String display) throws IOException {
            Path cd = Files.createFile(config.resolve("cd.iso"));
            new javelin.ui.fx.NextStartMedia(null, null, cd).save(javelin.ui.fx.NextStartMedia.file(java.util.Map.of("XDG_CONFIG_HOME", config.toString())));
            return display == null ? java.util.Map.of("XDG_CONFIG_HOME", config.toString())
                    : java.util.Map.of("XDG_CONFIG_HOME", config.toString(), "DISPLAY", display);
        }

        @Test
        void headlessPutsCom1OnTheTerminal(@TempDir Path config) throws IOException {
            java.util.List<String> args = java.util.List.of(Main.defaultArguments(env(config, null)));
            assertTrue(args.contains("-cdrom"), args::toString);
            assertEquals("stdio", args.get(args.indexOf("-serial") + 1), args::toString);
        }

        @Test
        void withADisplayCom1IsTheWindowsConsole(@TempDir Path config) throws IOException {
            java.util.List<String> args = java.util.List.of(Main.defaultArguments(env(config, ":0")));
            assertTrue(args.contains("-cdrom"), args::toString);
            assertFalse(args.contains("-serial"), "no -serial: the window makes COM1 its vc console " + args);
        }
    }

    @Nested
    class DisplayChoice {
        @Test
        void withoutTheOptionAWindowOpensWhenTheEnvironmentNamesADisplay() {
            assertEquals(Main.Display.DEFAULT_WINDOW, Main.Display.choose(null, java.util.Map.of("DISPLAY", ":0")));
            assertEquals(Main.Display.DEFAULT_WINDOW, Main.Display.choose(null, java.util.Map.of("WAYLAND_DISPLAY", "wayland-0")));
            assertEquals(Main.Display.NONE, Main.Display.choose(null, java.util.Map.of()));
            assertEquals(Main.Display.NONE, Main.Display.choose(null, java.util.Map.of("DISPLAY", "")));
        }

        @Test
        void theOptionWinsOverTheEnvironment() {
            assertEquals(Main.Display.NONE, Main.Display.choose("none", java.util.Map.of("DISPLAY", ":0")));
            assertEquals(Main.Display.WINDOW, Main.Display.choose("javafx", java.util.Map.of()));
        }
    }

    @Nested
    class BadInput {
        @Test
        void unknownOptionIsOneLineWithUsageStatus() {
            String out = run("-frobnicate");
            assertTrue(out.startsWith("2|javelin: "), out);
            assertTrue(out.contains("-frobnicate"), out);
            assertEquals(1, out.strip().lines().count(), out);
        }

        @Test
        void missingBiosFileNamesTheFile(@TempDir Path dir) {
            Path missing = dir.resolve("nope.rom");
            String out = run("-bios", missing.toString(), "-display", "none");
            assertEquals("1|javelin: BIOS image " + missing + ": no such file", out.strip());
        }

        @Test
        void biosOfWrongSizeIsRefusedWithItsSize(@TempDir Path dir) throws IOException {
            Path rom = dir.resolve("short.rom");
            Files.write(rom, new byte[1000]);
            String out = run("-bios", rom.toString(), "-display", "none");
            assertTrue(out.startsWith("1|javelin: BIOS image " + rom + ": size 1000 bytes"), out);
            assertEquals(1, out.strip().lines().count(), out);
        }

        @Test
        void serialFileThatCannotBeCreatedIsOneLine(@TempDir Path dir) throws IOException {
            Path rom = dir.resolve("bios.rom");
            Files.write(rom, new byte[65536]);
            String out = run("-bios", rom.toString(), "-serial", "file:" + dir.resolve("no/such/dir/com1.txt"),
                    "-display", "none", "-audio", "none");
            assertTrue(out.startsWith("1|javelin: -serial file:"), out);
            assertEquals(1, out.strip().lines().count(), out);
        }

        @Test
        void unknownTraceItemIsRefused() {
            assertTrue(run("-d", "bogus").startsWith("1|javelin: -d: unknown log item 'bogus'"));
        }

        @Test
        void unknownDeviceIsRefused() {
            assertTrue(run("-device", "e1000").startsWith("1|javelin: -device: unknown device 'e1000'"));
        }
    }

    @Nested
    class Sizes {
        @Test
        void memoryWithoutSuffixIsMebibytes() {
            assertEquals(256L << 20, SizeParser.parseMemory("256"));
        }

        @Test
        void memorySuffixesAreBinary() {
            assertEquals(1L << 30, SizeParser.parseMemory("1G"));
            assertEquals(512L << 20, SizeParser.parseMemory("512M"));
            assertEquals(640L << 10, SizeParser.parseMemory("640k"));
        }

        @Test
        void garbageIsRefused() {
            assertThrows(MachineConfigException.class, () -> SizeParser.parseMemory("lots"));
            assertThrows(MachineConfigException.class, () -> SizeParser.parseMemory("-5M"));
        }
    }

    @Nested
    class Devices {
        @Test
        void debugExitTakesHexPortAndSize() {
            var ports = DeviceOption.parse("isa-debug-exit,iobase=0xf4,iosize=4");
            assertEquals(0xF4, ports.iobase());
            assertEquals(4, ports.iosize());
        }

        @Test
        void debugExitDefaultsAreQemus() {
            var ports = DeviceOption.parse("isa-debug-exit");
            assertEquals(0x501, ports.iobase());
            assertEquals(2, ports.iosize());
        }
    }

    @Nested
    class Drives {
        @Test
        void driveWithAllPropertiesParses() {
            var d = DriveOption.parse("file=cd.iso,format=raw,if=ide,index=3,media=cdrom,readonly=on", 0);
            assertEquals(3, d.index());
            assertEquals(javelin.machine.DriveSpec.Media.CDROM, d.media());
            assertTrue(d.readOnly());
            assertEquals("ide1-cd1", d.deviceName());
        }

        @Test
        void driveWithoutIndexTakesTheNextFreeOne() {
            assertEquals(1, DriveOption.parse("file=disk.img", 1).index());
        }

        @Test
        void otherFormatsAndInterfacesAreRefusedByName() {
            assertThrows(MachineConfigException.class, () -> DriveOption.parse("file=a.qcow2,format=qcow2", 0));
            assertThrows(MachineConfigException.class, () -> DriveOption.parse("file=a.img,if=virtio", 0));
            assertThrows(MachineConfigException.class, () -> DriveOption.parse("file=a.img,index=4", 0));
        }

        @Test
        void missingDiskImageIsOneLineNamingTheFile(@TempDir Path dir) throws IOException {
            Path rom = dir.resolve("bios.rom");
            Files.write(rom, new byte[65536]);
            Path disk = dir.resolve("missing.img");
            String out = run("-bios", rom.toString(), "-hda", disk.toString(), "-display", "none");
            assertTrue(out.startsWith("1|javelin: ") && out.contains(disk.toString()), out);
            assertEquals(1, out.strip().lines().count(), out);
        }
    }

    @Test
    void traceItemsParseByQemuName() {
        var items = Main.parseTrace("in_asm,reset");
        assertTrue(items.contains(TraceItem.IN_ASM));
        assertTrue(items.contains(TraceItem.RESET));
        assertFalse(items.contains(TraceItem.CPU));
    }

    @Nested
    class SmpAndAccel {
        @Test
        void threadModesFollowQemuSyntax() {
            assertEquals(javelin.machine.MachineConfig.VcpuThreading.MULTI, Main.parseAccel("tcg").threading());
            assertEquals(javelin.machine.MachineConfig.VcpuThreading.MULTI, Main.parseAccel("tcg,thread=multi").threading());
            assertEquals(javelin.machine.MachineConfig.VcpuThreading.SINGLE, Main.parseAccel("tcg,thread=single").threading());
        }

        @Test
        void theBytecodeTierIsOnByDefaultAndTakesAThreshold() {
            var defaults = javelin.machine.MachineConfig.Jit.defaults();
            assertEquals(defaults, Main.parseAccel("tcg").jit());
            assertEquals(new javelin.machine.MachineConfig.Jit(false, defaults.threshold()), Main.parseAccel("tcg,jit=off").jit());
            assertEquals(new javelin.machine.MachineConfig.Jit(true, 0), Main.parseAccel("tcg,thread=single,jit-threshold=0").jit());
            assertEquals(javelin.machine.MachineConfig.VcpuThreading.SINGLE,
                    Main.parseAccel("tcg,jit=on,thread=single").threading());
            assertEquals("-accel: jit=yes is not on or off",
                    assertThrows(MachineConfigException.class, () -> Main.parseAccel("tcg,jit=yes")).getMessage());
            assertEquals("-accel: jit-threshold=x is not a number",
                    assertThrows(MachineConfigException.class, () -> Main.parseAccel("tcg,jit-threshold=x")).getMessage());
            assertEquals("-accel: jit-threshold must not be negative, not -1",
                    assertThrows(MachineConfigException.class, () -> Main.parseAccel("tcg,jit-threshold=-1")).getMessage());
        }

        @Test
        void badAccelValuesAreOneLineErrors() {
            assertEquals("-accel: only tcg is available, not 'kvm'",
                    assertThrows(MachineConfigException.class, () -> Main.parseAccel("kvm")).getMessage());
            assertEquals("-accel: thread=many is not multi or single",
                    assertThrows(MachineConfigException.class, () -> Main.parseAccel("tcg,thread=many")).getMessage());
            String out = run("-accel", "tcg,thread=both", "-display", "none");
            assertEquals("1|javelin: -accel: thread=both is not multi or single", out.strip());
        }

        @Test
        void smpTakesACountOrCpusEqualsCount() {
            assertEquals(4, Main.parseSmp("4"));
            assertEquals(4, Main.parseSmp("cpus=4"));
            assertThrows(MachineConfigException.class, () -> Main.parseSmp("four"));
            assertThrows(MachineConfigException.class, () -> Main.parseSmp("4,sockets=2"));
        }

        @Test
        void smpOutOfRangeIsOneLine() {
            String out = run("-smp", "17", "-display", "none");
            assertEquals("1|javelin: -smp: between 1 and 16 CPUs, not 17", out.strip());
        }
    }
}
