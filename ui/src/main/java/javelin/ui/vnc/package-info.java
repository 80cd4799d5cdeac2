/**
 * The VNC server: RFB 3.3/3.7/3.8 (RFC 6143 and the community rfbproto document) over TCP and
 * WebSocket, reading the shared {@link javelin.devices.display.Framebuffer} through its own dirty
 * tracker and feeding keys and pointer motion to the machine through
 * {@link javelin.machine.MachineControl}.
 */
package javelin.ui.vnc;
