/**
 * Serial ports: the 16550A UART ({@link javelin.devices.serial.Uart16550}) and its host back ends
 * ({@link javelin.devices.serial.SerialBackend}).
 */
package javelin.devices.serial;
