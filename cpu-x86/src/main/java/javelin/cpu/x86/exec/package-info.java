/**
 * The x86 front end of the softmmu translation-block engine ({@code javelin.softmmu.tb}):
 * {@link javelin.cpu.x86.exec.X86FrontEnd} keys and decodes blocks,
 * {@link javelin.cpu.x86.exec.X86Block} runs one on the interpreter's loop,
 * {@link javelin.cpu.x86.exec.X86Engine} is the one code cache of a machine and
 * {@link javelin.cpu.x86.exec.X86Vcpu} the run loop of one vCPU. See {@code docs/engine.md},
 * "The x86 front end".
 */
package javelin.cpu.x86.exec;
