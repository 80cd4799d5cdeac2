package javelin.softmmu.tb;

import static javelin.softmmu.tb.TbTestBlocks.block;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import javelin.softmmu.exec.Vcpu;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class TbJmpCacheTest {
    private final Vcpu owner = new Vcpu(0);
    private final TbJmpCache cache = new TbJmpCache(owner);

    @BeforeEach
    void ownTheVcpu() {
        owner.bindToCurrentThread();
    }

    @Nested
    class RemoteClear {
        /** Runs {@code clear} on another thread after it has chosen to clear {@code stale}, once the owner has installed {@code fresh}. */
        private void interleave(TranslationBlock stale, TranslationBlock fresh, Runnable decide, Runnable clear)
                throws InterruptedException {
            CountDownLatch decided = new CountDownLatch(1);
            CountDownLatch installed = new CountDownLatch(1);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread remote = Thread.ofPlatform().daemon(true).start(() -> {
                try {
                    decide.run();
                    decided.countDown();
                    installed.await();
                    clear.run();
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            decided.await();
            cache.install(fresh);                    // the owner, between the remote's decision and its store
            installed.countDown();
            remote.join();
            assertNull(failure.get());
        }

        @Test
        @DisplayName("[JC-2] a plain store erases the block the owner just installed")
        void plainStoreAfterReadErasesTheOwnersNewBlock() throws InterruptedException {
            TranslationBlock stale = block(0x1000, 0);
            TranslationBlock fresh = block(0x1000, 1);        // same PC, so the same slot
            int i = TbJmpCache.index(0x1000);
            cache.install(stale);
            boolean[] sawStale = new boolean[1];
            interleave(stale, fresh, () -> sawStale[0] = cache.slots.get(i) == stale, () -> cache.slots.set(i, null));
            assertTrue(sawStale[0]);
            assertNull(cache.slots.get(i), "the forbidden protocol loses the owner's entry");
        }

        @Test
        @DisplayName("[JC-2] compare-and-swap in the same interleaving keeps the owner's block")
        void compareAndSwapKeepsTheOwnersNewBlock() throws InterruptedException {
            TranslationBlock stale = block(0x1000, 0);
            TranslationBlock fresh = block(0x1000, 1);
            cache.install(stale);
            boolean[] cleared = new boolean[1];
            interleave(stale, fresh, () -> { }, () -> cleared[0] = cache.clearIfHolds(stale));
            assertSame(fresh, cache.slots.get(TbJmpCache.index(0x1000)));
            assertEquals(false, cleared[0]);
            assertSame(fresh, cache.lookup(0x1000, 0, 1));
        }

        @Test
        @DisplayName("[JC-2] compare-and-swap clears the block when it is still there")
        void compareAndSwapClearsTheStaleBlock() {
            TranslationBlock stale = block(0x1000, 0);
            cache.install(stale);
            assertTrue(cache.clearIfHolds(stale));
            assertNull(cache.lookup(0x1000, 0, 0));
        }
    }

    @Nested
    class Lookup {
        @Test
        @DisplayName("[JC-3] a hit needs pc, csBase and the full flags word")
        void hitNeedsTheWholeKey() {
            TranslationBlock tb = block(0x2345, 0x6);
            cache.install(tb);
            assertSame(tb, cache.lookup(0x2345, 0, 0x6));
            assertNull(cache.lookup(0x2345, 0, 0x7));
            assertNull(cache.lookup(0x2345, 0x10, 0x6));
        }

        @Test
        @DisplayName("[JC-3] an invalidated block left in its slot never hits")
        void invalidatedBlockNeverHits() {
            TranslationBlock tb = block(0x2345, 0x6);
            cache.install(tb);
            TbTestBlocks.invalidate(tb);
            assertNull(cache.lookup(0x2345, 0, 0x6));
            assertSame(tb, cache.slots.get(TbJmpCache.index(0x2345)), "the stale entry is still there, harmlessly");
        }

        @Test
        @DisplayName("[JC-1] only the owner installs")
        void anotherThreadCannotInstall() throws InterruptedException {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    cache.install(block(0x1000, 0));
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            t.join();
            assertThrows(AssertionError.class, () -> { throw thrown.get(); });
        }
    }

    @Nested
    class PageWindows {
        @Test
        void everyPcOfOnePageFallsInOneWindow() {
            int window = TbJmpCache.index(0x7000) >>> TbJmpCache.WINDOW_BITS;
            for (long pc = 0x7000; pc < 0x8000; pc++) {
                assertEquals(window, TbJmpCache.index(pc) >>> TbJmpCache.WINDOW_BITS);
            }
            assertNotEquals(window, TbJmpCache.index(0x8000) >>> TbJmpCache.WINDOW_BITS);
        }

        @Test
        void pageFlushClearsOnlyThatPagesWindow() {
            TranslationBlock onPage = block(0x7010, 0);
            TranslationBlock elsewhere = block(0x8010, 0);
            cache.install(onPage);
            cache.install(elsewhere);
            cache.flushPage(0x7FFF);
            assertNull(cache.lookup(0x7010, 0, 0));
            assertSame(elsewhere, cache.lookup(0x8010, 0, 0));
        }
    }
}
