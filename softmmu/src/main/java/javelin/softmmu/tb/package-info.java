/**
 * The translation-block engine (DESIGN.md, "Execution engine"): blocks keyed by physical PC,
 * virtual PC, csBase and flags; one global physical table; one jump cache per vCPU; per-page
 * code maps that arm write detection; invalidation in the brief's five steps; direct chaining;
 * a bounded cache flushed as exclusive work. CPU-independent: a front end plugs in through
 * {@link javelin.softmmu.tb.TbFrontEnd} and {@link javelin.softmmu.tb.TbCode}. The lock order,
 * the invariants and who wins each race are in {@code docs/engine.md}.
 */
package javelin.softmmu.tb;
