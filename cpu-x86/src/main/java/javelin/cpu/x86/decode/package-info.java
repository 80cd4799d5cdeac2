/**
 * The one instruction table ({@link javelin.cpu.x86.decode.OpTable}, rows of
 * {@link javelin.cpu.x86.decode.OpSpec}), the {@link javelin.cpu.x86.decode.Decoder} that turns
 * bytes into an immutable {@link javelin.cpu.x86.decode.DecodedInsn}, and the
 * {@link javelin.cpu.x86.decode.Disassembler}. Executors (interpreter, translator) read only
 * decoded instructions; no other opcode list exists: the tiers and tools read this one table.
 */
package javelin.cpu.x86.decode;
