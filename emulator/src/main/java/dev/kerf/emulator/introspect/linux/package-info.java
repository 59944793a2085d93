/**
 * What kerf learns about a Linux guest from its memory alone (docs/linux.md, "Symbols from the
 * kernel's own kallsyms"): {@link dev.kerf.emulator.introspect.linux.Kallsyms} finds and decodes
 * the kernel's compressed symbol table in physical RAM into
 * {@link dev.kerf.emulator.introspect.linux.LinuxSymbols}; {@link
 * dev.kerf.emulator.introspect.linux.KernelBanner} finds the version string. Nothing from the
 * user (no System.map, no debug package), nothing keyed to one kernel build, nothing written to
 * the guest.
 */
package dev.kerf.emulator.introspect.linux;
