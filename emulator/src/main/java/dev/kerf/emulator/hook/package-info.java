/**
 * Replay-time observation of the CPU (design §6): small interfaces, one per kind of thing an
 * analysis may want to see, registered on a CPU's {@link dev.kerf.emulator.hook.Hooks}. A kind
 * nobody registered costs nothing on the fast path: the CPU only takes the observed path while a
 * hook of that kind is present. Hooks observe; they must not change CPU state, and they run on
 * the machine thread inside the deterministic area (no host time, no hash-order iteration).
 */
package dev.kerf.emulator.hook;
