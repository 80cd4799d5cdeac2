/**
 * The display adapter of the PC board: the standard VGA register set and memory ({@link
 * javelin.devices.display.Vga}), the Bochs VBE "DISPI" extension ({@link
 * javelin.devices.display.BochsVbe}), the PCI function QEMU presents for {@code -vga std}
 * ({@link javelin.devices.display.StdVgaPci}), the shared ARGB {@link
 * javelin.devices.display.Framebuffer} and the {@link javelin.devices.display.VgaRenderer}
 * that paints the current mode into it. See docs/devices-dev-vga.md for the board view.
 */
package javelin.devices.display;
