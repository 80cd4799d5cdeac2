/**
 * Small board registers: system control port B (0x61, {@link javelin.devices.misc.SystemControlPortB})
 * and the PS/2 system control port A (0x92, {@link javelin.devices.misc.FastA20Port}).
 */
package javelin.devices.misc;
