/**
 * Character-device back ends on sockets: listening (or connecting) sockets over TCP and
 * unix-domain paths ({@link javelin.ui.chardev.Sockets}), shared by the serial ports
 * ({@link javelin.ui.chardev.SocketSerialBackend}), the QMP monitor and the VNC server; the
 * telnet protocol; raw mode for a serial port on the terminal. The grammar of the specs is
 * {@link javelin.machine.CharDevSpec}'s; {@link javelin.ui.LocalBackends} opens them.
 *
 * <p>All network I/O runs on a Netty event-loop group the application creates once and passes in.
 */
package javelin.ui.chardev;
