package javelin.cpu.x86.jit;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javelin.softmmu.tb.TranslationBlock;

/**
 * The blocks compiled together into one method: a hot entry block and the blocks of the loops
 * through it, found along its chained exits as the engine has linked them ([CH-2]: chains stay on one virtual
 * page and join blocks of one key flags word, so the whole region runs under the entry's page
 * mapping and mode, exactly as the chain it replaces would). Member 0 is the entry; a member's
 * {@code successors[slot]} is the index of the member its exit {@code slot} goes to, or -1 when
 * that exit leaves the region.
 *
 * <p>Built on the compiler thread from a racy snapshot of the chains ({@link TranslationBlock#jump}):
 * a member that is invalidated meanwhile is harmless, because the compiled code checks a
 * member's INVALID bit before entering it, as the run loop checks a chained block's.
 */
record Region(List<Member> members) {
    /** Blocks per region at most. */
    static final int MAX_MEMBERS = 16;
    /** Instructions per region at most. */
    static final int MAX_INSTRUCTIONS = 400;

    /** One block of the region. */
    record Member(JitCompiler.Target block, TranslationBlock tb, int[] successors) { }

    Region {
        members = List.copyOf(members);
    }

    /**
     * The entry and the blocks reachable through chained exits (up to the bounds) from which the
     * entry is reached again: the loops the entry is in.
     */
    static Region discover(JitCompiler.Target entry, TranslationBlock tb, int maxMembers) {
        List<JitCompiler.Target> blocks = new ArrayList<>();
        List<TranslationBlock> tbs = new ArrayList<>();
        Map<TranslationBlock, Integer> index = new HashMap<>();
        blocks.add(entry);
        tbs.add(tb);
        index.put(tb, 0);
        int instructions = entry.instructions().length;
        for (int i = 0; i < tbs.size(); i++) {
            for (int slot = 0; slot < blocks.get(i).exits(); slot++) {
                TranslationBlock next = tbs.get(i).jump(slot);
                if (next == null || index.containsKey(next) || next.isInvalid()) continue;
                if (!(next.code() instanceof JitCompiler.Target t) || !t.compilable()) continue;
                if (tbs.size() >= maxMembers || instructions + t.instructions().length > MAX_INSTRUCTIONS) continue;
                index.put(next, tbs.size());
                blocks.add(t);
                tbs.add(next);
                instructions += t.instructions().length;
            }
        }
        int n = tbs.size();
        int[][] successors = new int[n][];
        for (int i = 0; i < n; i++) {
            JitCompiler.Target b = blocks.get(i);
            successors[i] = new int[] {-1, -1};
            for (int slot = 0; slot < b.exits(); slot++) {
                TranslationBlock next = tbs.get(i).jump(slot);
                Integer s = next == null ? null : index.get(next);
                if (s != null) successors[i][slot] = s;
                else if (slot == 0 && b.loopsToItself()) successors[i][slot] = i;
            }
        }
        // Keep the loop: the blocks from which the entry is reached again. Code that only leads
        // away from the entry gains little from joining it and costs the JVM's compiler time.
        boolean[] loops = new boolean[n];
        loops[0] = true;
        for (boolean changed = true; changed; ) {
            changed = false;
            for (int i = 0; i < n; i++) {
                if (loops[i]) continue;
                for (int s : successors[i]) {
                    if (s >= 0 && loops[s]) {
                        loops[i] = true;
                        changed = true;
                        break;
                    }
                }
            }
        }
        int[] renumber = new int[n];
        int kept = 0;
        for (int i = 0; i < n; i++) renumber[i] = loops[i] ? kept++ : -1;
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (!loops[i]) continue;
            int[] succ = {-1, -1};
            for (int slot = 0; slot < 2; slot++) {
                int s = successors[i][slot];
                succ[slot] = s >= 0 ? renumber[s] : -1;
            }
            members.add(new Member(blocks.get(i), tbs.get(i), succ));
        }
        return new Region(members);
    }

    int instructionCount() {
        int n = 0;
        for (Member m : members) n += m.block().instructions().length;
        return n;
    }
}
