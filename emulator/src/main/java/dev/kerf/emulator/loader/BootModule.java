package dev.kerf.emulator.loader;

/**
 * A Multiboot module ready to be placed: its bytes and the string the guest sees for it
 * (like QEMU and GRUB: the file name, then the module's command line).
 *
 * @param name   the file name, for error messages
 * @param data   the module's bytes
 * @param string the module's Multiboot string
 */
public record BootModule(String name, byte[] data, String string) {}
