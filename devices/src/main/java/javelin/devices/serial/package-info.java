/**
 * Serial ports: the 16550A UART ({@link javelin.devices.serial.Uart16550}) and the interface of its
 * host back end ({@link javelin.devices.serial.SerialBackend}), which the front ends (module ui)
 * implement.
 */
package javelin.devices.serial;
