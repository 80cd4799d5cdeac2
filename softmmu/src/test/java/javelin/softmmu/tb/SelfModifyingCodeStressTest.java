package javelin.softmmu.tb;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Cross-modifying code with the protocol of the Intel SDM (vol. 3A, 8.1.3, "Handling
 * Cross-Modifying Code"): the writer stores the new code and then a flag; an executing vCPU that
 * has seen the flag executes a serializing instruction and must then run the new code.
 *
 * <p>Readers loop over: load the generation published by the writer, SERIALIZE, load a constant
 * that lives in their own code (MOVI's immediate), and count a failure if that constant is older
 * than the generation seen. The writer rewrites the constant with generation n, serializes, and
 * publishes n, for a fixed number of rounds.
 */
class SelfModifyingCodeStressTest {
    private static final int READERS = 3;
    private static final int ROUNDS = 20_000;
    private static final int READER_CODE = 0x1000;
    private static final int WRITER_CODE = 0x2000;
    private static final int GEN = 0x3000;
    private static final int DONE = 0x3004;
    private static final int SLOTS = 0x4000;
    private static final int SLOT_VALUE = 0, SLOT_SEEN = 4, SLOT_FAILS = 8, SLOT_ITERATIONS = 12;

    @Test
    @DisplayName("[INV-2][PG-3][PG-4] after the writer serializes and publishes, no vCPU runs the old constant")
    void readersNeverRunOldCodeAfterTheWritersSerialization() throws InterruptedException {
        run(true);
    }

    @Test
    @DisplayName("[INV-2][PG-3][PG-4] the SDM protocol needs no serialization by the writer")
    void readersNeverRunOldCodeEvenIfTheWriterDoesNotSerialize() throws InterruptedException {
        run(false);
    }

    private void run(boolean writerSerializes) throws InterruptedException {
        try (ToyMachine m = new ToyMachine(READERS + 1, 1024)) {
            // Reader: instruction indices are fixed so branch targets can be computed up front.
            int l0 = READER_CODE;
            int l2 = l0 + 6 * ToyIsa.INSN;
            int fail = l0 + 11 * ToyIsa.INSN;
            int halt = l0 + 14 * ToyIsa.INSN;
            ToyIsa.Asm reader = new ToyIsa.Asm(READER_CODE);
            reader.load(1, 0, GEN).serialize();
            int constant = reader.hereImm();
            reader.movi(2, 0).store(2, 7, SLOT_VALUE).store(1, 7, SLOT_SEEN).blt(2, 1, fail)
                    .addi(5, 1).store(5, 7, SLOT_ITERATIONS).load(3, 0, DONE).jnz(3, halt).jmp(l0)
                    .addi(6, 1).store(6, 7, SLOT_FAILS).jmp(l2)
                    .halt();
            assertEquals(halt + ToyIsa.INSN, reader.here());
            reader.load(m.mem);

            ToyIsa.Asm writer = new ToyIsa.Asm(WRITER_CODE);
            int w0 = writer.here();
            writer.addi(1, 1).store(1, 0, constant);
            if (writerSerializes) writer.serialize();
            writer.store(1, 0, GEN).blt(1, 6, w0).store(6, 0, DONE).halt();
            writer.load(m.mem);

            for (int i = 0; i < READERS; i++) {
                ToyCpu r = m.cpu(i);
                r.pc = READER_CODE;
                r.regs[7] = SLOTS + 32 * i;
            }
            ToyCpu w = m.cpu(READERS);
            w.pc = WRITER_CODE;
            w.regs[6] = ROUNDS;

            m.runAllToHalt(m.cpus);

            for (int i = 0; i < READERS; i++) {
                int slot = SLOTS + 32 * i;
                assertEquals(0, m.mem.readDword(slot + SLOT_FAILS), "reader " + i + " ran old code after serializing");
                assertTrue(m.mem.readDword(slot + SLOT_ITERATIONS) > 0, "reader " + i + " made progress");
            }
            assertEquals(ROUNDS, m.mem.readDword(constant), "the last generation is in the code");
            assertEquals(ROUNDS, m.mem.readDword(GEN));

            TbStats s = m.cache.stats();
            assertEquals(s.liveBlocks(),
                    s.translated() - s.raceLost() - s.retranslated() - s.invalidated() - s.flushedBlocks(),
                    "every translated block is live, lost a race, was read during a write, or was invalidated: " + s);
            assertEquals(s.liveBlocks(), m.cache.pages().blockCount(), "page lists hold exactly the live blocks");
            assertTrue(s.invalidated() > 0, "code writes invalidated blocks: " + s);
            // Each code write covers the bytes of one block (the one holding the MOVI).
            assertTrue(s.invalidated() <= ROUNDS, "no block invalidated without cause: " + s);
        }
    }
}
