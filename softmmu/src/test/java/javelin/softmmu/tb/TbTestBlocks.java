package javelin.softmmu.tb;

/** Blocks built directly, for tests of the caches that need no front end. */
final class TbTestBlocks {
    private TbTestBlocks() { }

    static TranslationBlock block(long pc, long flags) {
        return new TranslationBlock(pc, 0, flags, pc, TranslationBlock.NO_PAGE, 8, (cpu, tb) -> TbCode.EXIT_LEAVE);
    }

    static void invalidate(TranslationBlock tb) {
        tb.lock.lock();
        try {
            tb.setInvalidLocked();
        } finally {
            tb.lock.unlock();
        }
    }
}
