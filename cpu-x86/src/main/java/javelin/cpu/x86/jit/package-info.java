/**
 * The bytecode tier: hot translation blocks, and the loops through them, compiled to JVM
 * bytecode in hidden classes. {@link javelin.cpu.x86.jit.JitCompiler} takes requests from hot
 * blocks and installs compiled code, {@link javelin.cpu.x86.jit.Region} finds the blocks of a
 * loop along the engine's chains, {@link javelin.cpu.x86.jit.BlockTranslator} and
 * {@code OperandForms} write the code, {@code FlagLiveness} finds the flags nobody reads. The
 * classes run through {@link javelin.cpu.x86.interp.CompiledBlock}. See {@code docs/engine.md},
 * "The bytecode tier".
 */
package javelin.cpu.x86.jit;
