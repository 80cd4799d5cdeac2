package javelin.softmmu.tb;

import static javelin.softmmu.tb.TbTestBlocks.block;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javelin.softmmu.exec.Vcpu;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class TbJmpCacheStressTest {
    private static final int OWNER_ROUNDS = 1_000_000;
    private static final int CLEARERS = 2;

    @Test
    @DisplayName("[JC-1][JC-2] remote clears never remove a block the owner just installed")
    void remoteClearsNeverRemoveTheOwnersFreshBlock() throws InterruptedException {
        Vcpu owner = new Vcpu(0);
        TbJmpCache cache = new TbJmpCache(owner);
        TranslationBlock stale = block(0x4000, 0);
        int slot = TbJmpCache.index(0x4000);
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong lost = new AtomicLong();
        AtomicLong staleCleared = new AtomicLong();
        List<Thread> clearers = new ArrayList<>();
        for (int c = 0; c < CLEARERS; c++) {
            clearers.add(Thread.ofPlatform().daemon(true).start(() -> {
                while (!done.get()) {
                    if (cache.clearIfHolds(stale)) staleCleared.incrementAndGet();
                }
            }));
        }
        Thread ownerThread = Thread.ofPlatform().start(() -> {
            owner.bindToCurrentThread();
            for (int k = 0; k < OWNER_ROUNDS; k++) {
                cache.install(stale);                       // what the clearers are after
                TranslationBlock fresh = block(0x4000, 1 + (k & 0xFF));
                cache.install(fresh);
                if (cache.slots.get(slot) != fresh) lost.incrementAndGet();
            }
            done.set(true);
        });
        ownerThread.join();
        for (Thread t : clearers) t.join();
        assertEquals(0, lost.get(), "a remote clear erased the owner's newer block");
        assertTrue(staleCleared.get() > 0, "the clearers did run against the owner");
    }
}
