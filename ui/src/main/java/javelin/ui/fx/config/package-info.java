/**
 * Saved machines: {@link javelin.ui.fx.config.MachineProfile} (what to boot, memory, CPUs) as
 * JSON files in the user's configuration directory ({@link javelin.ui.fx.config.MachineProfileStore}),
 * with a list of recent machines, and the "New machine" dialog
 * ({@link javelin.ui.fx.config.NewMachineDialog}). See {@code docs/window-console-and-machines.md}.
 */
package javelin.ui.fx.config;
