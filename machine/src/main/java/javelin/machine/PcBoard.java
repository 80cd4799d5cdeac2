package javelin.machine;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import javelin.devices.block.BlockBackend;
import javelin.devices.block.CowOverlay;
import javelin.devices.block.ImageOpenException;
import javelin.devices.block.IsoImage;
import javelin.devices.block.RawImage;
import javelin.devices.display.BochsVbe;
import javelin.devices.display.Framebuffer;
import javelin.devices.display.StdVgaPci;
import javelin.devices.display.Vga;
import javelin.devices.display.VgaRenderer;
import javelin.devices.display.VideoMemory;
import javelin.devices.fwcfg.FwCfg;
import javelin.devices.ide.AtaDrive;
import javelin.devices.ide.AtapiCdrom;
import javelin.devices.ide.PiixIde;
import javelin.devices.input.I8042;
import javelin.devices.intc.DualPic;
import javelin.devices.misc.FastA20Port;
import javelin.devices.misc.SystemControlPortB;
import javelin.devices.pci.I440fxHost;
import javelin.devices.pci.PciHostBus;
import javelin.devices.pci.Piix3IsaBridge;
import javelin.devices.rtc.Mc146818Rtc;
import javelin.devices.serial.SerialBackend;
import javelin.devices.serial.Uart16550;
import javelin.devices.timer.Pit8254;
import javelin.firmware.BiosImage;
import javelin.devices.apic.ApicBus;
import javelin.devices.apic.CpuPins;
import javelin.devices.apic.IoApic;
import javelin.devices.apic.LocalApic;
import javelin.devices.audio.PcSpeaker;
import javelin.softmmu.CpuAttention;
import javelin.softmmu.IoPortBus;
import javelin.softmmu.IrqLine;
import javelin.softmmu.PhysicalMemory;
import javelin.softmmu.VirtualClock;
import javelin.softmmu.state.Stateful;

/**
 * The chips of QEMU's {@code pc} machine (i440FX + PIIX3), built and wired at the PC's
 * addresses and IRQs. docs/devices.md draws the tree; this class is its code. Chips never see
 * each other: where one feeds another (PIT OUT2 to port 61h and the speaker, the A20 gates to
 * the memory system), the wire is a lambda made here.
 *
 * <p>Threading: built on the thread that builds the machine, before any vCPU runs; afterwards
 * every device is entered with the machine lock held (port and MMIO dispatch take it).
 */
final class PcBoard implements AutoCloseable {
    // ISA I/O bases and IRQs of the PC/AT (and QEMU's pc machine).
    static final int PORT_PIT = 0x40, PORT_KBD_DATA = 0x60, PORT_PORT_B = 0x61, PORT_KBD_CMD = 0x64,
            PORT_RTC = 0x70, PORT_PORT_A = 0x92, PORT_VBE = 0x1CE, PORT_VGA = 0x3B0, PORT_PCI_CONFIG = 0xCF8;
    static final int[] COM_BASES = {0x3F8, 0x2F8, 0x3E8, 0x2E8};
    static final int[] COM_IRQS = {4, 3, 4, 3};
    static final int IRQ_PIT = 0, IRQ_KBD = 1, IRQ_RTC = 8, IRQ_MOUSE = 12, IRQ_FPU = 13, IRQ_IDE0 = 14, IRQ_IDE1 = 15;
    static final long VGA_WINDOW = 0xA0000;
    // PCI slots as QEMU's pc machine places them.
    static final int SLOT_HOST = 0, SLOT_PIIX3 = 1, FN_ISA = 0, FN_IDE = 1, SLOT_VGA = 2;
    /** RAM above this is mapped above 4 GiB (QEMU's pc splits at 3.5 GiB: PCI holes live above). */
    static final long RAM_BELOW_4G_LIMIT = 0xE000_0000L;
    /** The fw_cfg file SeaBIOS looks for as the std VGA's option ROM (pciVVVV,DDDD.rom). */
    static final String VGA_OPTION_ROM_FILE = "pci1234,1111.rom";
    /** The 0xC0000–0xFFFFF window the PAM registers shadow, and where the BIOS's top 128 KiB sits in it. */
    static final int SHADOW_WINDOW = 0x40000, BIOS_IN_SHADOW = 0x20000;

    final DualPic pic;
    /** The APIC bus, one local APIC per vCPU (index = APIC ID), and the I/O APIC (docs/devices-apic.md). */
    final ApicBus apicBus;
    final List<LocalApic> lapics = new ArrayList<>();
    final IoApic ioApic;
    /** ISA IRQ 0..15: each wire drives the 8259A input and the I/O APIC input (IRQ 0 on pin 2). */
    private final IrqLine[] isaIrqs = new IrqLine[16];
    final Pit8254 pit;
    final PcSpeaker speaker;
    final SystemControlPortB portB;
    final FastA20Port portA;
    final Mc146818Rtc rtc;
    final I8042 i8042;
    /** COM1..COMn, as many as -serial options. */
    final List<Uart16550> serialPorts = new ArrayList<>();
    final PciHostBus pci;
    final I440fxHost host;
    final Piix3IsaBridge isa;
    final PiixIde ide;
    final VideoMemory vram;
    final BochsVbe vbe;
    final Vga vga;
    final StdVgaPci vgaPci;
    final FwCfg fwCfg;
    final Framebuffer framebuffer;
    final VgaRenderer renderer;
    final List<DriveSlot> drives = new ArrayList<>();

    private final PhysicalMemory mem;
    private final List<AutoCloseable> resources = new ArrayList<>();
    /** Power-on states of the chips without a reset() of their own; reset restores them. */
    private final List<PowerOn<?>> powerOn = new ArrayList<>();
    private boolean a20FromPortA;
    private boolean a20FromKbd;

    /** What the board needs from the machine around it. */
    interface Wiring {
        /** The combined A20 gate changed (true = address line 20 passes). */
        void a20Changed(boolean enabled);

        /** A chip asked for a system reset (port 92h, 8042 pulse, port CF9h). */
        void resetRequested();
    }

    /** One attached IDE drive, with the name QEMU gives it. */
    record DriveSlot(DriveSpec spec, AtaDrive disk, AtapiCdrom cdrom) { }

    /**
     * Builds the board with the machine lock held (the APICs assert it, and devices may drive
     * their IRQ lines while they are built).
     *
     * @param bspAttention wakes the bootstrap processor when the 8259A raises INTR
     * @param pins         the core pins of each vCPU, in vCPU order (one local APIC each)
     * @param hostBackends opens the serial ports' back ends and the speaker's sound output
     */
    PcBoard(MachineConfig config, PhysicalMemory mem, IoPortBus io, VirtualClock clock, ReentrantLock machineLock,
            CpuAttention bspAttention, List<? extends CpuPins> pins, BiosImage bios,
            HostBackends hostBackends, Wiring wiring) {
        this.mem = mem;
        machineLock.lock();
        try {
            pic = new DualPic(bspAttention);
            apicBus = new ApicBus(machineLock);
            for (int i = 0; i < pins.size(); i++) {
                // The BSP's LINT0 carries the 8259A's INTR (virtual wire); the APs' LINT0 is unconnected.
                lapics.add(new LocalApic(apicBus, i, i == 0, clock, i == 0 ? pic : javelin.softmmu.InterruptSource.NONE,
                        pins.get(i)));
            }
            ioApic = new IoApic(apicBus);
            for (int n = 0; n < 16; n++) {
                IrqLine toPic = pic.irq(n);
                // PIT OUT0 is I/O APIC pin 2 (the interrupt source override SeaBIOS's MP table states).
                IrqLine toIoApic = ioApic.irq(n == IRQ_PIT ? 2 : n);
                isaIrqs[n] = high -> {
                    toPic.setLevel(high);
                    toIoApic.setLevel(high);
                };
            }
            mem.mapMmio(LocalApic.DEFAULT_BASE, LocalApic.PAGE_SIZE, apicBus.mmio(), false);
            mem.mapMmio(IoApic.DEFAULT_BASE, IoApic.MMIO_SIZE, ioApic, false);
            io.register(DualPic.MASTER_BASE, 2, pic.master());
            io.register(DualPic.SLAVE_BASE, 2, pic.slave());
            io.register(DualPic.ELCR_BASE, 2, pic.elcr());

            speaker = new PcSpeaker();
            pit = new Pit8254(clock, PORT_PIT, isaIrq(IRQ_PIT), speaker::counter2Changed);
            io.register(PORT_PIT, 4, pit);
            portB = new SystemControlPortB(PORT_PORT_B, clock, high -> pit.setGate(2, high), speaker::setDataEnable,
                    () -> pit.out(2));
            io.register(PORT_PORT_B, 1, portB);
            portA = new FastA20Port(PORT_PORT_A, high -> {
                a20FromPortA = high;
                wiring.a20Changed(a20FromPortA || a20FromKbd);
            }, pulse(wiring));
            io.register(PORT_PORT_A, 1, portA);

            rtc = new Mc146818Rtc(PORT_RTC, clock, isaIrq(IRQ_RTC), LocalDateTime.now());
            io.register(PORT_RTC, 2, rtc);

            i8042 = new I8042(PORT_KBD_DATA, clock, isaIrq(IRQ_KBD), isaIrq(IRQ_MOUSE), high -> {
                a20FromKbd = high;
                wiring.a20Changed(a20FromPortA || a20FromKbd);
            }, pulse(wiring));
            io.register(PORT_KBD_DATA, 1, i8042);
            io.register(PORT_KBD_CMD, 1, i8042);

            for (int n = 0; n < config.serial().size(); n++) {
                SerialBackend backend = hostBackends.chardev(HostBackends.CharDevice.serialPort(n), config.serial().get(n));
                resources.add(backend);
                Uart16550 uart = new Uart16550("com" + (n + 1), COM_BASES[n], clock, isaIrq(COM_IRQS[n]), backend);
                io.register(COM_BASES[n], 8, uart);
                serialPorts.add(uart);
            }

            // PCI: host bridge, PIIX3 ISA bridge and IDE, the standard VGA.
            pci = new PciHostBus(io, PORT_PCI_CONFIG);
            long shadowRom = mem.allocateBlock(SHADOW_WINDOW);
            fillShadowRom(shadowRom, bios);
            vram = new VideoMemory(mem, VideoMemory.DEFAULT_SIZE);
            vbe = new BochsVbe(PORT_VBE, vram);
            vga = new Vga(PORT_VGA, vram, vbe, clock);
            io.register(PORT_VGA, Vga.PORT_COUNT, vga);
            io.register(PORT_VBE, BochsVbe.PORT_COUNT, vbe);
            mem.mapMmio(VGA_WINDOW, Vga.WINDOW_SIZE, vga, false);
            host = new I440fxHost(mem, shadowRom, dramVisible -> {
                // SMRAM open: 0xA0000–0xBFFFF shows the DRAM beneath the VGA window.
                if (dramVisible) mem.mapRam(VGA_WINDOW, Vga.WINDOW_SIZE, VGA_WINDOW);
                else mem.mapMmio(VGA_WINDOW, Vga.WINDOW_SIZE, vga, false);
            });
            List<IrqLine> pirqTargets = new ArrayList<>();
            for (int n = 0; n < 16; n++) pirqTargets.add(isaIrq(n));
            isa = new Piix3IsaBridge(io, pirqTargets, hard -> wiring.resetRequested());
            ide = new PiixIde(io, mem, isaIrq(IRQ_IDE0), isaIrq(IRQ_IDE1));
            vgaPci = new StdVgaPci(mem, vram, null);
            pci.attach(SLOT_HOST, 0, host);
            pci.attach(SLOT_PIIX3, FN_ISA, isa);
            pci.attach(SLOT_PIIX3, FN_IDE, ide);
            pci.attach(SLOT_VGA, 0, vgaPci);
            attachDrives(config);

            fwCfg = new FwCfg(mem, FwCfg.PC_DMA_BASE);
            io.register(FwCfg.PC_BASE, FwCfg.PORT_COUNT, fwCfg);
            io.register(FwCfg.PC_DMA_BASE, FwCfg.DMA_PORT_COUNT, fwCfg);

            if (config.audio()) resources.add(hostBackends.speaker(speaker));

            framebuffer = new Framebuffer(720, 400);
            renderer = new VgaRenderer(vga, framebuffer);
        } finally {
            machineLock.unlock();
        }
        renderer.start();
        for (Stateful<?> s : List.of(pic, pit, speaker, portB, portA, i8042)) powerOn.add(PowerOn.of(s));
        for (Uart16550 uart : serialPorts) powerOn.add(PowerOn.of(uart));
    }

    /** ISA IRQ {@code n}: to the 8259A pair and the I/O APIC. */
    IrqLine isaIrq(int n) {
        return isaIrqs[n];
    }

    /** A reset wire: the rising edge of a pulse asks for a system reset. */
    private static IrqLine pulse(Wiring wiring) {
        return high -> {
            if (high) wiring.resetRequested();
        };
    }

    /** What 0xC0000–0xFFFFF shows before shadowing: nothing (0xFF), and the BIOS's last 128 KiB at the top (if any). */
    private void fillShadowRom(long offset, BiosImage bios) {
        MemorySegment backing = mem.backing();
        backing.asSlice(offset, SHADOW_WINDOW).fill((byte) 0xFF);
        if (bios == null) return;       // -bios none: nothing answers there
        byte[] image = bios.bytes();
        int n = bios.legacySize();
        MemorySegment.copy(image, image.length - n, backing, ValueLayout.JAVA_BYTE, offset + SHADOW_WINDOW - n, n);
    }

    private void attachDrives(MachineConfig config) {
        for (DriveSpec d : config.drives()) {
            try {
                if (d.media() == DriveSpec.Media.DISK) {
                    BlockBackend image = RawImage.open(d.file(), d.readOnly() || config.snapshot());
                    if (config.snapshot()) image = new CowOverlay(image, Files.createTempDirectory("javelin-snapshot"));
                    resources.add(image);
                    AtaDrive disk = new AtaDrive(image, serialNumber(d));
                    ide.attach(d.channel(), d.position(), disk);
                    drives.add(new DriveSlot(d, disk, null));
                } else {
                    AtapiCdrom cd = new AtapiCdrom(serialNumber(d));
                    if (d.file() != null) {
                        IsoImage iso = IsoImage.open(d.file());
                        resources.add(iso);
                        cd.insert(iso);
                    }
                    ide.attach(d.channel(), d.position(), cd);
                    drives.add(new DriveSlot(d, null, cd));
                }
            } catch (ImageOpenException e) {
                throw new MachineConfigException(e.getMessage(), e);
            } catch (IOException e) {
                throw new MachineConfigException(d.file() + ": " + e.getMessage(), e);
            }
        }
    }

    /** QEMU's serial numbers: QM00001 for index 0 and so on. */
    private static String serialNumber(DriveSpec d) {
        return String.format("QM%05d", d.index() + 1);
    }

    /**
     * A system reset (RST#): every chip to its power-on state; the RTC and CMOS keep time and
     * contents, disks keep their media. Restoring the 8042 and port 92h re-drives the A20 wires.
     */
    void reset() {
        for (PowerOn<?> p : powerOn) p.restore();
        pci.reset();
        host.reset();
        isa.reset();
        ide.reset();
        vgaPci.reset();
        vbe.reset();
        vga.reset();
        fwCfg.reset();
        for (LocalApic a : lapics) a.reset();
        ioApic.reset();
    }

    @Override public void close() {
        renderer.stop();
        for (AutoCloseable r : resources) {
            try {
                r.close();
            } catch (Exception e) {
                System.getLogger(PcBoard.class.getName()).log(System.Logger.Level.WARNING, "closing " + r + ": " + e.getMessage());
            }
        }
    }

    /** A chip's state right after construction, which a reset restores. */
    private record PowerOn<S extends Record>(Stateful<S> device, S state) {
        static <S extends Record> PowerOn<S> of(Stateful<S> device) {
            return new PowerOn<>(device, device.saveState());
        }

        void restore() {
            device.restoreState(state);
        }
    }

}
