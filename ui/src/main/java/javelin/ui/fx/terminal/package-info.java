/**
 * The serial console: {@link javelin.ui.fx.terminal.SerialTerminal} is a serial back end (QEMU's
 * {@code -serial vc}) shown as a VT100/xterm terminal in the machine window, so a user can log
 * in to the guest over COM1. The terminal emulator is JediTermFX, a JavaFX port of JetBrains'
 * JediTerm; this package only connects it to the UART.
 *
 * <p>Threading: the UART calls {@code transmit} with the machine lock held; the bytes are queued
 * and parsed on the emulator's own thread, which repaints on the JavaFX thread. Keys typed in the
 * view go to the UART's thread-safe {@code HostInput}. See
 * {@code docs/window-console-and-machines.md}.
 */
package javelin.ui.fx.terminal;
