package javelin.softmmu.state;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Rewrites one component's saved state, as a JSON tree, from version N to version N+1, so that
 * a snapshot written by an older build still restores (STYLE.md, "State and snapshots": a
 * rename or change of meaning bumps {@code VERSION} and adds an upgrader).
 *
 * <p>Contract:
 * <ul>
 *   <li>A component's state record declares its upgraders next to its {@code VERSION}, keyed by
 *       the version they read: {@code Map.of(1, State::fromVersion1, 2, State::fromVersion2)}.
 *       {@link StateJson#read} runs them in order, one step at a time, and then binds the record.</li>
 *   <li>{@link #upgrade} receives the whole tree of the component (the record's JSON object, with
 *       its {@code version} field) in the layout of version N and changes it in place into the
 *       layout of version N+1, setting {@code version} to N+1 itself. It rewrites only what
 *       changed between the two versions: new fields get the value that means what the old
 *       build did (an empty queue, a feature off), renamed fields move, changed meanings are
 *       converted.</li>
 *   <li>It is a pure function of the tree: no device, clock or file is touched, so the same old
 *       snapshot always upgrades the same way. The tree it gets is the reader's own copy.</li>
 *   <li>It may assume the fields it touches have version N's shape; where they do not, it throws
 *       {@link SnapshotFormatException} naming the component and field (any other exception it
 *       throws is reported by the reader as a bad snapshot too). Fields it does not touch are
 *       checked when the record is bound.</li>
 *   <li>An upgrader is never removed: each old version keeps its fixture
 *       ({@code src/test/resources/state/<id>-v<N>.json}) and a test that loads it through the
 *       whole chain.</li>
 * </ul>
 */
@FunctionalInterface
public interface StateUpgrader {
    /** Changes {@code state}, a component's tree of version N, into version N+1 (including its {@code version} field). */
    void upgrade(ObjectNode state);
}
