package javelin.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javelin.cpu.x86.CpuState;
import javelin.cpu.x86.exec.X86Vcpu;
import javelin.devices.fwcfg.FwCfg;
import javelin.devices.rtc.Mc146818Rtc;
import javelin.firmware.BiosImage;
import javelin.firmware.BiosImageException;
import javelin.firmware.BootOptions;
import javelin.firmware.E820Map;
import javelin.firmware.FirmwareFiles;
import javelin.firmware.FwCfgContents;
import javelin.firmware.KernelFormat;
import javelin.firmware.KernelImageException;
import javelin.firmware.LinuxBootLoader;
import javelin.firmware.MemoryWrite;
import javelin.firmware.MultibootLoader;
import javelin.firmware.ProtectedModeEntry;
import javelin.softmmu.PhysicalMemory;

/**
 * How the machine gets to an operating system: which firmware image it maps (-bios FILE, or
 * Debian's SeaBIOS from the cache, see docs/firmware.md), what fw_cfg tells the firmware, and
 * how a {@code -kernel} is loaded: through the firmware (Linux via our linuxboot option ROM,
 * as QEMU does) or, for Multiboot images and {@code -bios none}, by writing the kernel into
 * RAM and starting the CPU at its 32-bit entry.
 */
final class BootFirmware {
    /** The firmware files the board maps: the BIOS (null with {@code -bios none}) and a VGA BIOS (may be null). */
    record Images(BiosImage bios, byte[] vgaBios) { }

    /**
     * A kernel started without firmware: its memory image and entry state. A reset writes the
     * image again and re-enters, as QEMU restores its ROM blobs on reset.
     */
    record DirectStart(List<MemoryWrite> writes, ProtectedModeEntry entry) {
        DirectStart {
            writes = List.copyOf(writes);
        }

        void start(PhysicalMemory mem, X86Vcpu bsp) {
            for (MemoryWrite w : writes) mem.writeBytes(w.address(), w.data(), 0, w.length());
            enter(bsp, entry);
        }
    }

    private BootFirmware() { }

    static Images resolve(MachineConfig config) {
        if (config.noFirmware()) return new Images(null, null);
        if (config.bios() != null) return new Images(loadBios(config.bios()), null);
        FirmwareFiles files = new FirmwareFiles(FirmwareFiles.defaultCacheDir(System.getenv()), fetchScript());
        try {
            return new Images(loadBios(files.bios()), Files.readAllBytes(files.vgaBios()));
        } catch (IOException e) {
            throw new MachineConfigException("default firmware: " + e.getMessage() + " (give one with -bios FILE)", e);
        }
    }

    private static BiosImage loadBios(Path file) {
        try {
            return BiosImage.load(file);
        } catch (BiosImageException e) {
            throw new MachineConfigException(e.getMessage(), e);
        }
    }

    /** The project's fetch script, found from the launcher's {@code javelin.root} property. */
    private static Path fetchScript() {
        String root = System.getProperty("javelin.root");
        return root == null ? null : Path.of(root, "scripts", "fetch-firmware");
    }

    /**
     * Fills fw_cfg and the CMOS for the firmware, and prepares a {@code -kernel}. Returns how to
     * start the kernel directly (no firmware runs), else null.
     */
    static DirectStart install(MachineConfig config, FwCfg fwCfg, Mc146818Rtc rtc, Images images) {
        long ramBelow4g = Math.min(config.ramBytes(), PcBoard.RAM_BELOW_4G_LIMIT);
        long ramAbove4g = config.ramBytes() - ramBelow4g;
        // Every vCPU answers SeaBIOS's INIT-SIPI, which waits until that many have counted themselves.
        FwCfgContents.Machine machine = new FwCfgContents.Machine(ramBelow4g, ramAbove4g, config.smp(), config.smp());
        BootOptions boot = config.boot() == null ? BootOptions.DEFAULT : BootOptions.parse(config.boot());
        DirectStart direct = null;
        if (config.kernel() != null) {
            byte[] kernel = readImage("-kernel", config.kernel());
            try {
                switch (KernelFormat.of(kernel)) {
                    case LINUX_BZIMAGE -> {
                        byte[] initrd = config.initrd() == null ? new byte[0] : readImage("-initrd", Path.of(config.initrd()));
                        LinuxBootLoader linux = new LinuxBootLoader(kernel, initrd, config.append(), ramBelow4g);
                        if (config.noFirmware()) {
                            LinuxBootLoader.DirectBoot db = linux.directBoot(E820Map.forOperatingSystem(ramBelow4g, ramAbove4g));
                            direct = new DirectStart(db.writes(), db.entry());
                        } else {
                            linux.installFirmwareBoot(fwCfg);
                            boot = boot.withFirstDevice(LinuxBootLoader.BOOT_DEVICE_PATH);
                        }
                    }
                    case MULTIBOOT -> {
                        List<MultibootLoader.Module> modules = new ArrayList<>();
                        if (config.initrd() != null) {
                            for (String item : MultibootLoader.splitModules(config.initrd())) {
                                modules.add(new MultibootLoader.Module(item,
                                        readImage("-initrd", Path.of(MultibootLoader.modulePath(item)))));
                            }
                        }
                        MultibootLoader.Boot mb = MultibootLoader.load(kernel, config.kernel().getFileName().toString(),
                                config.append(), modules, E820Map.forOperatingSystem(ramBelow4g, ramAbove4g), ramBelow4g);
                        direct = new DirectStart(mb.writes(), mb.entry());
                    }
                }
            } catch (KernelImageException e) {
                throw new MachineConfigException("-kernel " + config.kernel() + ": " + e.getMessage(), e);
            }
        }
        FwCfgContents.install(fwCfg, machine, boot);
        FwCfgContents.cmosBytes(machine, boot).forEach(rtc::writeNvram);
        if (images.vgaBios() != null) fwCfg.putFile(PcBoard.VGA_OPTION_ROM_FILE, images.vgaBios(), false);
        return direct;
    }

    private static byte[] readImage(String option, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new MachineConfigException(option + " " + file + ": no such file");
        } catch (IOException e) {
            throw new MachineConfigException(option + " " + file + ": cannot read (" + e.getMessage() + ")", e);
        }
    }

    /**
     * Puts the CPU in the state a loader hands over (see {@link ProtectedModeEntry}): 32-bit
     * protected mode, paging off, flat code and data segments from the loader's GDT, IF = 0.
     */
    static void enter(X86Vcpu bsp, ProtectedModeEntry e) {
        bsp.reset();
        CpuState cpu = bsp.cpu();
        cpu.cr0 |= CpuState.CR0_PE;
        cpu.gdtrBase = (int) e.gdtBase();
        cpu.gdtrLimit = e.gdtLimit();
        int flat = CpuState.ATTR_P | CpuState.ATTR_S | CpuState.ATTR_DB | CpuState.ATTR_G;
        for (int s = 0; s < 6; s++) {
            boolean code = s == CpuState.CS;
            cpu.segSel[s] = code ? e.codeSelector() : e.dataSelector();
            cpu.segBase[s] = 0;
            cpu.segLimit[s] = 0xFFFF_FFFF;
            cpu.segAttr[s] = flat | (code ? 0xB : 0x3);     // execute/read accessed; read/write accessed
        }
        java.util.Arrays.fill(cpu.regs, 0);
        cpu.regs[CpuState.EAX] = (int) e.eax();
        cpu.regs[CpuState.EBX] = (int) e.ebx();
        cpu.regs[CpuState.ESI] = (int) e.esi();
        cpu.eip = (int) e.eip();
        cpu.setEflags(2);
        cpu.updateModeCaches();
        bsp.mmu().flushAll();
    }
}
