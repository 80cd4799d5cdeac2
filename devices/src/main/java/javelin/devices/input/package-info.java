/**
 * Input devices: the 8042 keyboard controller ({@link javelin.devices.input.I8042}) with its PS/2
 * keyboard and mouse, and the PC key codes the UI reports ({@link javelin.devices.input.KeyCode}).
 */
package javelin.devices.input;
