package dev.kerf.emulator.machine;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuBus;

/**
 * A hook on the machine loop for whoever must see everything that crosses the CPU boundary
 * (the recorder): it wraps the {@link CpuBus} the CPU sees, may end CPU slices at instruction
 * counts of its choosing (so a state hash is taken at exactly the same icount on every run),
 * and is told after every slice.
 *
 * <p>Call order: {@link #wrap} once while the machine is built (before the CPU exists, since the
 * CPU's bus is final), {@link #attach} once the kernel is loaded, then for every slice
 * {@link #nextBoundary()} before it and {@link #sliceEnded()} after it. All on the machine thread.
 */
public interface MachineTap {
    /** No tap: the live bus as is. */
    MachineTap NONE = new MachineTap() {
        @Override
        public CpuBus wrap(CpuBus live) {
            return live;
        }
    };

    /** The bus the CPU will see; {@code live} is the machine's own (devices). */
    CpuBus wrap(CpuBus live);

    /**
     * The CPU exists and is in its boot state, or, for a machine built by {@link Machine#resume},
     * in the snapshot's state with icount 0; it has not run yet.
     */
    default void attach(Cpu cpu) {}

    /** The largest icount the next slice may reach; must be greater than the current icount. */
    default long nextBoundary() {
        return Long.MAX_VALUE;
    }

    /**
     * A slice ended (any reason), before the devices are polled. Returning false stops the
     * machine: {@link Machine#run()} returns {@link RunResult.Reason#STOPPED}.
     */
    default boolean sliceEnded() {
        return true;
    }
}
