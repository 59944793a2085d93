package dev.kerf.emulator.hook;

import dev.kerf.emulator.cpu.Cpu;

/**
 * Data memory accesses that completed (instruction fetches are not data accesses). {@code linear}
 * is the address after segmentation, {@code physical} after paging; an access that crosses a
 * page boundary is reported with the physical address of its first byte. {@code value} holds
 * {@code size} (1, 2 or 4) bytes, zero-extended.
 *
 * <p>Reported: every data access an instruction makes (ModRM operands, stack pushes and pops,
 * string instructions, one call per REP iteration) and the CPU's own accesses (IDT gates,
 * GDT/LDT descriptors and their accessed bit, TSS esp0/ss0 and I/O bitmap, the frame pushed on
 * interrupt entry). Not reported: instruction fetches, page-table walks and their A/D-bit
 * updates, an access that faulted (a read that completed before the instruction faulted is
 * reported). A hook is called only for the kinds of access whose method its class overrides
 * (both methods default to doing nothing): while one that overrides {@code read} is registered
 * every data read takes the MMU's slow path, and likewise for {@code written} and writes; the
 * kind nobody observes stays on the fast path.
 *
 * <p>CPU state during the call: {@code cpu.icount} is the instructions retired before the
 * accessing instruction (REP: before this iteration), {@code cpu.instructionAddress()} its address;
 * {@code cpu.eip} and the registers are those of the moment (mid-instruction), to be read, not
 * changed (a compiled block may hold registers in its own variables until the instruction
 * ends; an instruction hook is where registers may be changed). A stop asked for or hooks
 * registered in the call take effect after the accessing instruction. Read guest memory
 * from a hook through {@code Mmu.probe} and {@code PhysicalMemory}, never {@code Mmu.read*}
 * (those are reported again and may fault).
 */
public interface MemoryHook {
    default void read(Cpu cpu, int linear, int physical, int size, int value) {}

    default void written(Cpu cpu, int linear, int physical, int size, int value) {}
}
