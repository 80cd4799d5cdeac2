/**
 * The contract every stateful component keeps for snapshots: an immutable, versioned record
 * that Jackson serializes, saved and restored through {@link javelin.softmmu.state.Stateful};
 * records saved by older versions are read through {@link javelin.softmmu.state.StateJson}
 * and the component's {@link javelin.softmmu.state.StateUpgrader}s.
 */
package javelin.softmmu.state;
