/**
 * The kerf PC assembled: {@link dev.kerf.emulator.machine.Machine} boots a
 * {@link dev.kerf.emulator.machine.MachineConfig} (RAM, clock, devices, CPU, Multiboot load) and
 * runs the loop of design §3: CPU slices bounded by the next device deadline (virtual clock: an
 * exact icount, so runs repeat; host clock: also at most {@code HOST_SLICE} instructions), device
 * polls between slices, idle skips while halted, and a {@link dev.kerf.emulator.machine.RunResult}
 * saying how it ended. Guest mistakes end a run with a result, never a Java exception; a bad
 * kernel or configuration is a {@link dev.kerf.emulator.machine.BootException} with one line.
 * A machine can be captured whole between runs ({@link dev.kerf.emulator.machine.MachineSnapshot})
 * and resumed from that in a new machine that continues exactly (booted snapshots).
 */
package dev.kerf.emulator.machine;
