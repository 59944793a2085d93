package dev.kerf.emulator.machine;

import java.io.IOException;

/**
 * The kerf PC: CPU, RAM, platform devices, booted from a Multiboot kernel, and the loop that
 * drives them. Placeholder signatures; the machine work fills the bodies.
 */
public final class Machine implements AutoCloseable {
    /**
     * Loads the kernel and modules and prepares the CPU as a Multiboot loader leaves it.
     *
     * @throws BootException (a one-line message for the user) for a bad kernel/module/config
     */
    public static Machine boot(MachineConfig config) throws IOException {
        throw new UnsupportedOperationException("machine not written yet");
    }

    /** Runs until debug-exit, the instruction limit, a triple fault, or a halt nothing can wake. */
    public RunResult run() {
        throw new UnsupportedOperationException("machine not written yet");
    }

    @Override
    public void close() throws IOException {}
}
