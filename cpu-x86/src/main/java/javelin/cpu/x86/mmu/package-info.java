/**
 * The memory-management unit of one vCPU: linear-address accesses through the softmmu TLBs
 * ({@link javelin.cpu.x86.mmu.Mmu}) and, on a miss, the walk of the paging structures that
 * refills them ({@link javelin.cpu.x86.mmu.PageWalker}: 32-bit and PAE paging, SDM vol. 3,
 * chapter 4), the PAE PDPTE loads and the flushes the architecture requires. Segmentation is
 * applied before an address reaches this package. Reads the paging registers of the
 * {@link javelin.cpu.x86.CpuState} it serves and writes only CR2 and the PDPTEs there.
 *
 * <p>Choices where the SDM leaves room (and what real CPUs do):
 * <ul>
 *   <li>Accessed bits in paging structures are set only by walks that succeed.</li>
 *   <li>MAXPHYADDR is 36 (PAE advertised, no CPUID leaf 80000008H); physical addresses above
 *       4 GiB read as unmapped.</li>
 *   <li>4 MiB pages without PSE-36: PDE bits 21:13 are reserved (RSVD fault).</li>
 *   <li>Global translations survive CR3 loads only; any other flush drops them.</li>
 * </ul>
 *
 * <p>Owned by the vCPU thread, like the TLBs ([TLB-1] of {@code javelin.softmmu.SoftTlb}).
 */
package javelin.cpu.x86.mmu;
