package javelin.softmmu.tb;

/** The key of the physical table: physical PC, virtual PC, csBase and the full flags word. */
record TbKey(long physPc, long pc, long csBase, long flags) { }
