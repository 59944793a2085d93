package dev.kerf.emulator.replay;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuState;

/**
 * Where a replay of a recording taken from a booted snapshot starts: the snapshot's CPU and RAM
 * and the little a replay must know of COM1 without a device model. The snapshot's device state
 * is not needed (design §4: no device models at replay); its instruction count is not either:
 * a recording counts instructions from its own first one.
 *
 * @param cpu      the CPU at the snapshot (its icount is ignored: the replay starts at 0)
 * @param ram      guest RAM at the snapshot
 * @param dlab     COM1's divisor latch access bit was set
 * @param loopback COM1 was in loopback mode
 */
public record ReplayStart(CpuState cpu, byte[] ram, boolean dlab, boolean loopback) {
    /** Puts the start state into a fresh replay's CPU and RAM, at icount 0. */
    void restore(Cpu target, ReplayOutputs outputs) {
        if (target.memory.size() != ram.length)
            throw new IllegalArgumentException("start state of " + ram.length + " bytes of RAM, machine has " + target.memory.size());
        target.memory.restore(ram);
        cpu.restore(target);
        target.icount = 0;
        outputs.restore(dlab, loopback, 0, false, 0);
    }
}
