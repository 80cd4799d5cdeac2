/**
 * The QMP monitor: QEMU's JSON machine protocol over a TCP or unix socket, so existing QMP tooling
 * ({@code socat}, {@code qmp-shell}, libvirt-style scripts) can drive a Javelin machine through
 * {@link javelin.machine.MachineControl}. The wire format follows QEMU's {@code docs/interop/qmp-spec}:
 * a greeting, capabilities negotiation, {@code execute}/{@code return}/{@code error} and
 * asynchronous events.
 */
package javelin.ui.qmp;
