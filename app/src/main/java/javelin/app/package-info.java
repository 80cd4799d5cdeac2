/** The {@code javelin} command: QEMU-style command line, wiring, and the error boundary. */
package javelin.app;
