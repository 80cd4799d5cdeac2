/**
 * The x87 floating-point unit of a Pentium Pro: {@link javelin.cpu.x86.fpu.Float80}, the 80-bit
 * extended format; {@link javelin.cpu.x86.fpu.Float80Math}, exact software arithmetic with
 * precision and rounding control and the six exception flags; {@code Transcendental} for
 * FSIN..FYL2XP1; {@link javelin.cpu.x86.fpu.Fpu}, the register stack, control/status/tag words
 * and the saved images; {@link javelin.cpu.x86.fpu.X87Executor}, the instruction semantics, which
 * runs one decoded x87 row of {@link javelin.cpu.x86.decode.OpTable} against an
 * {@link javelin.cpu.x86.fpu.X87Host}.
 * See {@code docs/fpu.md}.
 */
package javelin.cpu.x86.fpu;
