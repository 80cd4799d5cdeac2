/**
 * The contract every stateful component keeps for snapshots: an immutable, versioned record
 * that Jackson serializes, saved and restored through {@link javelin.softmmu.state.Stateful}.
 */
package javelin.softmmu.state;
