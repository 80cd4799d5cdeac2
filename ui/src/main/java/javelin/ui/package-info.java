/**
 * The front ends: {@link javelin.ui.LocalBackends} opens the host back ends of a machine's
 * devices; the subpackages hold the window ({@code fx}), the VNC server ({@code vnc}), the QMP
 * monitor ({@code qmp}) and the socket back ends ({@code chardev}).
 */
package javelin.ui;
