/**
 * Character-device back ends in QEMU's option syntax: listening (or connecting) sockets over TCP
 * and unix-domain paths, shared by the serial ports ({@link javelin.ui.chardev.SocketSerialBackend})
 * and the QMP monitor, and the {@code -serial} spec parser ({@link javelin.ui.chardev.SerialSpec}).
 *
 * <p>All network I/O runs on a Netty event-loop group the application creates once and passes in;
 * nothing here owns a thread of its own except the stdio reader of
 * {@link javelin.devices.serial.StdioBackend}.
 */
package javelin.ui.chardev;
