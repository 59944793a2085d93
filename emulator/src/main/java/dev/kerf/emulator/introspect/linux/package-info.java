/**
 * What kerf learns about a Linux guest from its memory alone (docs/linux.md, "Symbols from the
 * kernel's own kallsyms"): {@link dev.kerf.emulator.introspect.linux.Kallsyms} finds and decodes
 * the kernel's compressed symbol table in physical RAM into
 * {@link dev.kerf.emulator.introspect.linux.LinuxSymbols}; {@link
 * dev.kerf.emulator.introspect.linux.KernelBanner} finds the version string. Nothing from the
 * user (no System.map, no debug package), nothing keyed to one kernel build, nothing written to
 * the guest.
 *
 * <p>And Linux guests seen through the stable i386 system-call ABI alone (issue 15, docs/linux.md): the
 * syscall table of Linux 6.1 ({@link dev.kerf.emulator.introspect.linux.LinuxSyscalls}), an
 * observer that pairs every {@code int $0x80} with its return by address space and user stack
 * ({@link dev.kerf.emulator.introspect.linux.LinuxSyscallObserver}), and strace's spelling
 * ({@link dev.kerf.emulator.introspect.linux.StraceText}). Nothing here reads kernel structures
 * or symbols; it is what a kernel profile is checked against.
 */
package dev.kerf.emulator.introspect.linux;
