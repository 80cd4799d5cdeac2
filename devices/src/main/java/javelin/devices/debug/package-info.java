/**
 * Debugging devices that emulators (not real PCs) provide, with QEMU's and Bochs's behaviour so
 * that guest test programs written for them work unchanged: the 0xE9 debug console, the
 * isa-debug-exit device and a POST-code logger for the diagnostic ports.
 */
package javelin.devices.debug;
