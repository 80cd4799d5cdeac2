/** Real-time clock and CMOS RAM: the MC146818A ({@link javelin.devices.rtc.Mc146818Rtc}). */
package javelin.devices.rtc;
