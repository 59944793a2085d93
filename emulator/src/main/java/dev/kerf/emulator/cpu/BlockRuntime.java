package dev.kerf.emulator.cpu;

/**
 * What compiled blocks call when their inline path cannot serve a memory or stack access: a
 * segment that is not flat, a micro-TLB miss (a page walk, a device, a code page, a hook, a
 * fault), a 16-bit stack. Each first stores what the interpreter's step sets before anything can
 * fault or reach a device (the instruction's icount, its start address, ESP at its start; the
 * block has stored its registers), then does the access through the {@link Executor}'s own
 * accessors, exactly as the interpreter would. One call per slow path keeps the blocks' bytecode,
 * and so HotSpot's work on them, small.
 */
final class BlockRuntime {
    private BlockRuntime() {}

    private static void enter(Cpu c, Executor x, long icount, int eip) {
        c.icount = icount;
        x.start = eip;
        x.startEsp = c.reg[Cpu.ESP];
    }

    /** The operand mask of an access of {@code size} bytes (4, 2 or 1), as the families take it. */
    static int mask(int size) {
        return size == 4 ? -1 : size == 2 ? 0xFFFF : 0xFF;
    }

    /** Reads {@code size} (4, 2 or 1) bytes at {@code sreg:off}. */
    static int read(Cpu c, Executor x, int size, int sreg, int off, long icount, int eip) {
        enter(c, x, icount, eip);
        return x.readMem(mask(size), x.linear(sreg, off));
    }

    /** Writes the low {@code size} (4, 2 or 1) bytes of {@code v} at {@code sreg:off}. */
    static void write(Cpu c, Executor x, int size, int sreg, int off, int v, long icount, int eip) {
        enter(c, x, icount, eip);
        x.writeMem(mask(size), x.linear(sreg, off), v);
    }

    /** Before the flags of a read-modify-write whose store may fault: saved to be put back, as the interpreter does. */
    static void saveFlags(Cpu c, Executor x, long icount, int eip) {
        enter(c, x, icount, eip);
        x.saveFlags();
    }

    static void push32(Cpu c, Executor x, int v, long icount, int eip) {
        enter(c, x, icount, eip);
        Stack.pushSized(x, true, v);
    }

    static int pop32(Cpu c, Executor x, long icount, int eip) {
        enter(c, x, icount, eip);
        return Stack.popSized(x, true);
    }
}
