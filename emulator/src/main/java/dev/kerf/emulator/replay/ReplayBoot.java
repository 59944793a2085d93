package dev.kerf.emulator.replay;

import dev.kerf.emulator.loader.BootModule;

import java.util.List;

/**
 * What a replay boots from, all taken from the recording: the same RAM size, images and names
 * as the recorded machine, so {@link dev.kerf.emulator.loader.MultibootLoader} builds the same
 * initial RAM and registers.
 *
 * @param ramBytes       guest RAM
 * @param kernelName     the kernel's file name as the recorder passed it to the loader (the guest sees it)
 * @param kernel         the kernel image
 * @param cmdline        the kernel command line without the name
 * @param modules        Multiboot modules in order (see {@link dev.kerf.emulator.loader.MultibootLoader#module})
 * @param stateHashEvery instructions between StateHash events in the recording
 */
public record ReplayBoot(int ramBytes, String kernelName, byte[] kernel, String cmdline, List<BootModule> modules,
                         long stateHashEvery) {
    public ReplayBoot {
        if (stateHashEvery <= 0) {
            throw new IllegalArgumentException("stateHashEvery must be positive, not " + stateHashEvery);
        }
        modules = List.copyOf(modules);
    }
}
