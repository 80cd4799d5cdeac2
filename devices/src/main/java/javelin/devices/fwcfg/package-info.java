/**
 * QEMU's firmware configuration device (fw_cfg), through which the firmware reads the
 * machine's description and the {@code -kernel} images. What goes into it is decided in
 * the {@code firmware} module; this package is the device only.
 */
package javelin.devices.fwcfg;
