package dev.kerf.emulator.introspect;

/**
 * One process over a whole execution (a row of {@code kerf ps}).
 *
 * @param pid              its pid
 * @param ppid             its parent when it was created
 * @param name             its last name (after any execve)
 * @param firstIcount      when it was first seen
 * @param lastIcount       when it was last seen running, trapping or ending
 * @param userInstructions instructions it retired in user mode
 * @param syscalls         system calls it made (exit included)
 * @param exitStatus       its Linux wait status, or null while it had not ended
 * @param fault            the user fault that ended it, or null
 */
public record ProcessInfo(int pid, int ppid, String name, long firstIcount, long lastIcount, long userInstructions,
                          long syscalls, Integer exitStatus, UserFault fault) {
    /** {@code exit 0}, {@code killed by signal 11}, {@code running} (still alive when the execution ended). */
    public String ending() {
        if (exitStatus == null) return "running";
        int sig = exitStatus & 0x7F;
        return sig != 0 ? "killed by signal " + sig : "exit " + ((exitStatus >> 8) & 0xFF);
    }
}
