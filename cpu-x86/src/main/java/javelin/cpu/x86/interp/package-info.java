/**
 * The interpreter: a run loop over pre-decoded instructions ({@link javelin.cpu.x86.interp.Interpreter}),
 * dispatching on the mnemonic to instruction semantics kept once in family classes ({@code Alu},
 * {@code Shift}, {@code BitOps}, {@code MulDiv}, {@code Bcd}, {@code StringOps}, {@code ControlFlow},
 * {@code StackOps}), with segmented data access in {@code SegmentedMemory}.
 */
package javelin.cpu.x86.interp;
