package javelin.devices.pci;

/**
 * One PCI function as the configuration-space mechanism sees it: 256 bytes of configuration
 * space, read and written in 1, 2 or 4-byte units at any naturally aligned offset. The bus
 * (configuration mechanism #1 on ports 0xCF8/0xCFC) routes accesses by bus/device/function.
 * Called with the machine lock held.
 */
public interface PciFunction {
    int configRead(int offset, int size);

    void configWrite(int offset, int size, int value);
}
