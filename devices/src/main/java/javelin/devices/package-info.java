/**
 * The chips of a PC board, one class per part (see docs/devices.md for the board tree). Devices
 * meet the CPU only through softmmu interfaces.
 */
package javelin.devices;
