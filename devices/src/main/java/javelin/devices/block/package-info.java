/**
 * Disk image back ends behind the IDE devices: the {@link javelin.devices.block.BlockBackend}
 * interface, raw images ({@link javelin.devices.block.RawImage}), ISO images
 * ({@link javelin.devices.block.IsoImage}) and the copy-on-write overlay used by
 * {@code -snapshot} ({@link javelin.devices.block.CowOverlay}). Host I/O errors surface as
 * {@link java.io.IOException}s that name the file; devices turn them into guest-visible errors.
 */
package javelin.devices.block;
