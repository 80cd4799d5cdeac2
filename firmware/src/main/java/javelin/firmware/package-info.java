/**
 * Everything the guest's firmware needs from the host: the SeaBIOS and SeaVGABIOS images
 * (Debian's builds, fetched into the cache by {@code scripts/fetch-firmware}), the contents
 * of the QEMU-compatible fw_cfg device that SeaBIOS reads (e820 map, CPU count, boot order,
 * boot menu), and the direct-boot loaders for {@code -kernel}: Linux bzImage (boot protocol
 * 2.x, through SeaBIOS with our own option ROM or with no BIOS at all) and Multiboot v1.
 *
 * <p>Loaders return what must happen as data (memory writes, fw_cfg items, register values)
 * and never touch a CPU: the board in {@code machine} applies it. See {@code docs/firmware.md}.
 */
package javelin.firmware;
