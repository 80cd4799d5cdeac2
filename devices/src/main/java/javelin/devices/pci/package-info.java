/**
 * The PCI side of the i440FX board: configuration mechanism #1
 * ({@link javelin.devices.pci.PciHostBus}), the reusable 256-byte configuration header
 * ({@link javelin.devices.pci.PciConfigSpace}), the 82441FX host bridge with its PAM shadow
 * registers ({@link javelin.devices.pci.I440fxHost}) and the 82371SB PIIX3 PCI-to-ISA bridge's
 * PIRQ routing ({@link javelin.devices.pci.Piix3IsaBridge}).
 */
package javelin.devices.pci;
