/**
 * IDE: the PIIX3 IDE function with its two legacy channels and bus-master DMA
 * ({@link javelin.devices.ide.PiixIde}), ATA hard disks ({@link javelin.devices.ide.AtaDrive})
 * and ATAPI CD-ROM drives ({@link javelin.devices.ide.AtapiCdrom}), on top of the
 * {@link javelin.devices.block} back ends. Command timing is not modelled: every command
 * completes within the port access that starts it (or, for DMA, that starts the bus master).
 */
package javelin.devices.ide;
