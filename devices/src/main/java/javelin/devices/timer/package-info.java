/** Timers: the 8254 programmable interval timer ({@link javelin.devices.timer.Pit8254}). */
package javelin.devices.timer;
