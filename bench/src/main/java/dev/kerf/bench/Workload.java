package dev.kerf.bench;

import java.nio.file.Path;

/**
 * One benchmark guest: a Multiboot kernel from examples/bench that does {@code n} rounds of its
 * loop (command line "n=N") and exits through port 0xF4. kerf and QEMU run different round
 * counts, sized so each takes about a second: instruction counts scale linearly in n.
 *
 * @param name  label in the table
 * @param kernel the ELF image
 * @param kerfRounds rounds for kerf
 * @param qemuRounds rounds for QEMU (much faster, and its start-up cost must be dwarfed)
 */
record Workload(String name, Path kernel, long kerfRounds, long qemuRounds) {
    String cmdline(long rounds) {
        return "n=" + rounds;
    }
}
