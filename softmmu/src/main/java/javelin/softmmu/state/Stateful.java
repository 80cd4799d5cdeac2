package javelin.softmmu.state;

/**
 * A component whose guest-visible state goes into snapshots (DESIGN.md, "Devices, state and
 * snapshots"). {@code S} is a record with a leading {@code int version} component and a
 * {@code VERSION} constant; it holds what the guest can observe plus what resumes time, never
 * wiring or caches.
 *
 * <p>Contract, checked by every component's round-trip test: {@code restoreState(saveState())}
 * on a fresh instance built with the same wiring yields an instance whose {@code saveState()}
 * equals the original's. {@code restoreState} re-arms timers and recomputes output lines.
 */
public interface Stateful<S extends Record> {
    S saveState();

    /** Restores; throws {@link SnapshotFormatException} if the record is inconsistent. */
    void restoreState(S state);
}
