/** Guest-MIPS measurement of the interpreter ({@code bench/interpreter-mips}); not a unit test. */
package javelin.cpu.x86.bench;
