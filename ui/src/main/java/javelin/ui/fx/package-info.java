/**
 * The JavaFX window: {@link javelin.ui.fx.MachineWindow} shows the machine's shared framebuffer
 * ({@link javelin.ui.fx.ScreenView}), forwards the host keyboard as PC keys
 * ({@link javelin.ui.fx.KeyMap}) and offers the machine's run controls in a menu bar.
 *
 * <p>Threading: everything here runs on the JavaFX application thread, which only reads the
 * framebuffer and posts requests through {@link javelin.machine.MachineControl}; it never runs
 * the CPU, never takes the machine lock and never changes device state (DESIGN.md, "Front ends").
 * See {@code docs/window.md}.
 */
package javelin.ui.fx;
