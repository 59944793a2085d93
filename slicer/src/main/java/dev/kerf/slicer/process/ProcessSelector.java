package dev.kerf.slicer.process;

/**
 * Which process to slice: a pid, or a name (the first process that returns to user mode under
 * that name: after the execve that gave it the name, or at its first run if it had it already).
 */
public record ProcessSelector(int pid, String name) {
    /** {@code NAME|PID} as the command line gives it: all digits is a pid. */
    public static ProcessSelector parse(String text) {
        if (text == null || text.isEmpty()) throw new IllegalArgumentException("--process needs a name or a pid");
        if (text.chars().allMatch(Character::isDigit) && text.length() < 10) return new ProcessSelector(Integer.parseInt(text), null);
        return new ProcessSelector(-1, text);
    }

    boolean matches(int pid, String name) {
        return this.name == null ? pid == this.pid : this.name.equals(name);
    }

    @Override
    public String toString() {
        return name == null ? "pid " + pid : "'" + name + "'";
    }
}
