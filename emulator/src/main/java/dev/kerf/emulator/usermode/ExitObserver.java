package dev.kerf.emulator.usermode;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.hook.InterruptHook;

/**
 * Notes the first delivery from user mode and stops the CPU there (the ring-0 stub never runs).
 * Later deliveries (a delivery that faulted) are ignored, as the slicer ignores them.
 */
final class ExitObserver implements InterruptHook {
    UserExit exit;
    long userIcount;
    int digest;
    /** The segment registers user code left at the exit (see {@link ProcessImage#segmentsOf}). */
    int[] segments;

    void reset() {
        exit = null;
    }

    @Override
    public void delivering(Cpu cpu, int vector, Source source, int errorCode) {
        if (cpu.cpl != 3 || exit != null) return;
        exit = UserExits.of(cpu, vector, source, errorCode);
        userIcount = UserExits.retiredAt(cpu.icount, source);
        digest = UserRegisters.of(cpu).digest();
        segments = ProcessImage.segmentsOf(cpu);
        cpu.requestStop();
    }
}
