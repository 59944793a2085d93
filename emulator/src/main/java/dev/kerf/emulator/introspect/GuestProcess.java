package dev.kerf.emulator.introspect;

/**
 * One process as the guest kernel holds it at one moment, read through a {@link GuestProfile}.
 *
 * @param pid        the kernel's process id
 * @param ppid       its parent's pid as the kernel records it now (orphans are reparented)
 * @param name       the kernel's name for it (the program's file name, possibly truncated)
 * @param cr3        the page directory it runs with (the CR3 value while it is current)
 * @param zombie     it has exited and waits for its parent; {@code exitStatus} is then valid
 * @param exitStatus its Linux wait status (valid for a zombie)
 * @param handle     the profile's own reference to the kernel's record of it (an address), for
 *                   {@link GuestProfile#interruptedCallResult}; meaningless to anyone else
 */
public record GuestProcess(int pid, int ppid, String name, int cr3, boolean zombie, int exitStatus, long handle) {}
