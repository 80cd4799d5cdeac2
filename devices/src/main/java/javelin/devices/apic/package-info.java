/**
 * The APIC interrupt architecture (Intel SDM vol. 3A, chapter "Advanced Programmable Interrupt
 * Controller (APIC)"): one {@link javelin.devices.apic.LocalApic} per vCPU, the 82093AA
 * {@link javelin.devices.apic.IoApic}, and the {@link javelin.devices.apic.ApicBus} that carries
 * interrupt messages, IPIs and EOI broadcasts between them. The vCPU side is reached only through
 * {@link javelin.softmmu.InterruptSource} and the board's {@link javelin.devices.apic.CpuPins}.
 */
package javelin.devices.apic;
