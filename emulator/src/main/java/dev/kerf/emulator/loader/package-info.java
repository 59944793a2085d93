/**
 * Multiboot v1 boot, as {@code qemu-system-i386 -kernel K -initrd M,... -append A} does it.
 *
 * <ul>
 *   <li>{@link dev.kerf.emulator.loader.ElfImage}: ELF32/i386 parsing, every offset checked
 *       (hostile input: one-line {@link dev.kerf.emulator.machine.BootException} naming file and offset).</li>
 *   <li>{@link dev.kerf.emulator.loader.MultibootHeader}: the header in the first 8 KiB.</li>
 *   <li>{@link dev.kerf.emulator.loader.KernelImage}: PT_LOAD segments (bss zeroed) or the a.out-kludge range.</li>
 *   <li>{@link dev.kerf.emulator.loader.MultibootInfoWriter}: info struct, memory map, strings, modules.</li>
 *   <li>{@link dev.kerf.emulator.loader.BootCpuState}: the CPU state handed to the kernel.</li>
 * </ul>
 *
 * <p>Memory layout (QEMU's, so a kernel sees the same under both): memory map at 0x9000, info
 * struct at 0x9500, boot GDT at 0xF0000 (reserved in the map); after the kernel, on the next page:
 * the module table, the command line ("KERNEL CMDLINE"), "kerf", the module strings
 * ("FILE CMDLINE"); then each module on its own page boundary.
 */
package dev.kerf.emulator.loader;
