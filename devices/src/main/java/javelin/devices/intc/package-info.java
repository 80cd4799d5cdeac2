/**
 * Interrupt controllers: the 8259A PIC pair with the PIIX3 ELCR ({@link javelin.devices.intc.DualPic}).
 */
package javelin.devices.intc;
