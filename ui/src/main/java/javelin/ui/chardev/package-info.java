/**
 * Character-device back ends on this host: the process's terminal
 * ({@link javelin.ui.chardev.StdioBackend}, with {@link javelin.ui.chardev.RawTerminal}), files
 * ({@link javelin.ui.chardev.FileBackend}), and sockets over TCP and unix-domain paths
 * ({@link javelin.ui.chardev.SocketSerialBackend}, with telnet), whose listening and connecting
 * ({@link javelin.ui.chardev.Sockets}) the QMP monitor and the VNC server share. The grammar of
 * the specs is {@link javelin.machine.CharDevSpec}'s; {@link javelin.ui.LocalBackends} opens them.
 *
 * <p>All network I/O runs on a Netty event-loop group the application creates once and passes in;
 * nothing here owns a thread of its own except the stdio reader.
 */
package javelin.ui.chardev;
