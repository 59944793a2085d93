package dev.kerf.emulator.introspect;

import dev.kerf.emulator.cpu.Cpu;

/**
 * The i386 Linux system-call convention, for guest profiles whose kernel uses it — Linux itself
 * and the kerf example OS, whose userland makes Linux's calls: {@code int 0x80}, the number in
 * EAX, arguments in EBX ECX EDX ESI EDI EBP, the result in EAX; exit (1) and exit_group (252) end
 * the process with the wait status {@code (code & 0xff) << 8}; execve (11) and execveat (358)
 * replace its image.
 */
public interface I386LinuxAbi extends GuestProfile {
    @Override
    default int syscallVector() { return 0x80; }

    @Override
    default int syscallNumberRegister() { return Cpu.EAX; }

    @Override
    default int[] syscallArgumentRegisters() { return new int[] {Cpu.EBX, Cpu.ECX, Cpu.EDX, Cpu.ESI, Cpu.EDI, Cpu.EBP}; }

    @Override
    default int syscallResultRegister() { return Cpu.EAX; }

    @Override
    default boolean isExitCall(int nr) { return nr == 1 || nr == 252; }

    @Override
    default boolean isExecCall(int nr) { return nr == 11 || nr == 358; }

    @Override
    default int exitStatusOf(int nr, int[] args) { return (args[0] & 0xFF) << 8; }
}
