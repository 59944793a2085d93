package dev.kerf.emulator.hook;

import dev.kerf.emulator.cpu.Cpu;

import java.util.Arrays;

/**
 * The hooks registered on one CPU, by kind, in registration order (calls follow that order).
 * Arrays are replaced, never mutated, so the CPU can read a field and loop without a lock or an
 * iterator. Register on the machine thread: before {@code Cpu.run}, between runs, or from inside
 * a hook (the CPU then re-picks its path before the next instruction). {@link #version()}
 * changes on every add/remove so the CPU can re-pick its paths.
 */
public final class Hooks {
    public InstructionHook[] instruction = new InstructionHook[0];
    public MemoryHook[] memory = new MemoryHook[0];
    /**
     * The memory hooks that override {@link MemoryHook#read} / {@link MemoryHook#written}, in
     * registration order: only those are called for that kind of access. The other method's
     * default does nothing, so leaving it out changes nothing a hook can see, and the CPU keeps
     * the unobserved kind of access on its fast path (a write-counting hook does not slow reads).
     */
    public MemoryHook[] memoryReaders = new MemoryHook[0], memoryWriters = new MemoryHook[0];
    public InterruptHook[] interrupt = new InterruptHook[0];
    public PortHook[] port = new PortHook[0];
    public PrivilegeHook[] privilege = new PrivilegeHook[0];
    public Cr3Hook[] cr3 = new Cr3Hook[0];
    private int version;

    public int version() { return version; }

    /**
     * True when an instruction or memory hook is present: the CPU must leave its fast path
     * (instruction hooks: one instruction at a time through the interpreter; memory hooks: every data access through the MMU's slow path, no translated blocks).
     */
    public boolean observesEveryInstruction() {
        return instruction.length != 0 || memory.length != 0;
    }

    public void add(InstructionHook h) { instruction = plus(instruction, h); version++; }
    public void add(MemoryHook h) {
        memory = plus(memory, h);
        if (overrides(h, "read")) memoryReaders = plus(memoryReaders, h);
        if (overrides(h, "written")) memoryWriters = plus(memoryWriters, h);
        version++;
    }
    public void add(InterruptHook h) { interrupt = plus(interrupt, h); version++; }
    public void add(PortHook h) { port = plus(port, h); version++; }
    public void add(PrivilegeHook h) { privilege = plus(privilege, h); version++; }
    public void add(Cr3Hook h) { cr3 = plus(cr3, h); version++; }

    public void remove(InstructionHook h) { instruction = minus(instruction, h); version++; }
    public void remove(MemoryHook h) {
        memory = minus(memory, h);
        memoryReaders = minus(memoryReaders, h);
        memoryWriters = minus(memoryWriters, h);
        version++;
    }
    public void remove(InterruptHook h) { interrupt = minus(interrupt, h); version++; }
    public void remove(PortHook h) { port = minus(port, h); version++; }
    public void remove(PrivilegeHook h) { privilege = minus(privilege, h); version++; }
    public void remove(Cr3Hook h) { cr3 = minus(cr3, h); version++; }

    /** Whether {@code h}'s class replaces the interface's do-nothing {@code name} method. */
    private static boolean overrides(MemoryHook h, String name) {
        try {
            return h.getClass().getMethod(name, Cpu.class, int.class, int.class, int.class, int.class)
                    .getDeclaringClass() != MemoryHook.class;
        } catch (NoSuchMethodException e) {
            return true; // cannot happen for an implementation of the interface; call it to be safe
        }
    }

    private static <T> T[] plus(T[] hooks, T h) {
        if (h == null) throw new IllegalArgumentException("hook is null");
        T[] more = Arrays.copyOf(hooks, hooks.length + 1);
        more[hooks.length] = h;
        return more;
    }

    private static <T> T[] minus(T[] hooks, T h) {
        for (int i = 0; i < hooks.length; i++) {
            if (hooks[i] == h) {
                T[] fewer = Arrays.copyOf(hooks, hooks.length - 1);
                System.arraycopy(hooks, i + 1, fewer, i, hooks.length - i - 1);
                return fewer;
            }
        }
        return hooks;
    }
}
