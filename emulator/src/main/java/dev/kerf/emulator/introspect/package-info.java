/**
 * OS introspection at replay time (design §6): what process runs, what it asks of the kernel and
 * how it ends, seen from outside the guest through the CPU's interrupt, privilege and CR3 hooks
 * and the kernel's own description of its data structures.
 *
 * <p>{@link dev.kerf.emulator.introspect.GuestProfile} says where the kernel keeps its process
 * table and how system calls are made; {@link dev.kerf.emulator.introspect.KerfGuestProfile}
 * reads it from the kerf guest's {@code kerf_introspect} export (a foreign OS would get a profile
 * file instead). {@link dev.kerf.emulator.introspect.ProcessTracker} turns hook calls into
 * {@link dev.kerf.emulator.introspect.ProcessListener} events;
 * {@link dev.kerf.emulator.introspect.ProcessHistory} collects them for {@code kerf ps} and
 * {@code kerf trace}. Nothing here writes guest state: page-table walks are read-only (no
 * accessed/dirty bits), so a replay with introspection verifies exactly like one without.
 */
package dev.kerf.emulator.introspect;
