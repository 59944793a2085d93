package dev.kerf.emulator.machine;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.cpu.CpuFault;
import dev.kerf.emulator.cpu.Vectors;
import dev.kerf.emulator.loader.KernelSymbols;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * The one line a triple fault ends a run with: where (EIP, icount), and when an instruction's
 * exception started it, which exception, the instruction's first bytes and the nearest kernel
 * symbol when the kernel file has a symbol table (a Multiboot ELF kernel; a bzImage has none). A
 * #UD there is usually an instruction kerf does not implement (SSE, say) in a guest that cannot
 * handle the exception yet, so the message says that too.
 */
final class TripleFaultReport {
    /** Bytes shown from EIP: enough for most instructions (the decoder may have needed fewer). */
    static final int BYTES_SHOWN = 8;

    private TripleFaultReport() {}

    static String message(Cpu cpu, Supplier<KernelSymbols> symbols) {
        StringBuilder line = new StringBuilder(String.format("guest triple-faulted at eip 0x%08x (icount %d)",
                cpu.eip, cpu.icount));
        CpuFault cause = cpu.tripleFaultCause();
        if (cause != null) {
            line.append(": ").append(cause.getMessage()).append(" on bytes ").append(bytesAt(cpu));
            String symbol = symbols.get().describe(cpu.eip);
            if (symbol != null) {
                line.append(" in ").append(symbol);
            }
            if (cause.vector == Vectors.UD) {
                line.append(" (an invalid opcode, or one kerf does not implement)");
            }
            line.append(", and the guest could not handle it");
        }
        return line.append(": the machine shut down").toString();
    }

    static String message(Cpu cpu, Path kernel) {
        return message(cpu, () -> KernelSymbols.of(kernel));
    }

    /** The bytes at CS:EIP as hex, read without faults or side effects ("??" where unmapped). */
    private static String bytesAt(Cpu cpu) {
        StringBuilder hex = new StringBuilder();
        int linear = cpu.seg[Cpu.CS].base + cpu.eip;
        for (int i = 0; i < BYTES_SHOWN; i++) {
            long pa = cpu.mmu.probe(linear + i);
            if (i > 0) {
                hex.append(' ');
            }
            if (pa < 0 || !cpu.memory.contains(pa, 1)) {
                hex.append("??");
            } else {
                hex.append(String.format("%02x", cpu.memory.read8((int) pa)));
            }
        }
        return hex.toString();
    }
}
