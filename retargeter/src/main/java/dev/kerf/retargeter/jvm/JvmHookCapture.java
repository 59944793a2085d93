package dev.kerf.retargeter.jvm;

import dev.kerf.emulator.cpu.Cpu;
import dev.kerf.emulator.hook.InstructionHook;

import java.util.ArrayList;
import java.util.List;

/**
 * Watches the user-mode replay of a minijvm process for its four hook functions and reads each
 * call's structure (JVM-CONTRACT.md §2) at the hook's first instruction. An instruction that
 * faults is announced again when it is retried at the same user icount, so a second announcement
 * at the same address and icount is the same call and is skipped.
 */
final class JvmHookCapture implements InstructionHook {
    private static final int MAX_CLASS = 16 << 20, MAX_DATA = 256 << 20, MAX_NAME = 0xFFFF, MAX_UNCAUGHT = 1 << 19;
    private final JvmExport export;
    final List<JvmClass> classes = new ArrayList<>();
    final List<NativeCall> natives = new ArrayList<>();
    String uncaught;
    int exitStatus = -1;
    private long lastIcount = -1;
    private int lastEip;

    JvmHookCapture(JvmExport export) {
        this.export = export;
    }

    @Override
    public void beforeInstruction(Cpu cpu) {
        int eip = cpu.eip;
        if (eip != export.classHook() && eip != export.nativeHook() && eip != export.uncaughtHook() && eip != export.exitHook()) return;
        if (cpu.icount == lastIcount && eip == lastEip) return;
        lastIcount = cpu.icount;
        lastEip = eip;
        if (eip == export.classHook()) onClass(new GuestStructs(cpu, "class"));
        else if (eip == export.nativeHook()) onNative(new GuestStructs(cpu, "native"));
        else if (eip == export.uncaughtHook()) onUncaught(new GuestStructs(cpu, "uncaught"));
        else onExit(new GuestStructs(cpu, "exit"));
    }

    private void onClass(GuestStructs g) {
        int s = g.argument();
        String name = g.cString(g.u32(s), MAX_NAME, "the class name");
        byte[] bytes = g.bytes(g.u32(s + 4), g.u32(s + 8), MAX_CLASS);
        for (JvmClass c : classes) {
            if (c.name().equals(name)) throw g.bad("class " + name + " loaded twice");
        }
        classes.add(new JvmClass(name, bytes));
    }

    private void onNative(GuestStructs g) {
        int s = g.argument();
        int seq = g.u32(s);
        if (seq != natives.size()) throw g.bad("native call " + natives.size() + " says it is number " + Integer.toUnsignedString(seq));
        String cls = g.cString(g.u32(s + 4), MAX_NAME, "the caller class");
        String method = g.cString(g.u32(s + 8), MAX_NAME, "the caller method");
        String desc = g.cString(g.u32(s + 12), MAX_NAME, "the caller descriptor");
        int pc = g.u32(s + 16);
        String name = g.cString(g.u32(s + 20), MAX_NAME, "the native's name");
        NativeKind kind = NativeKind.named(name);
        if (kind == null) throw g.bad("unknown native \"" + name + "\"");
        if (pc < 0 || pc > 0xFFFF) throw g.bad("bytecode index " + Integer.toUnsignedString(pc));
        long lo = Integer.toUnsignedLong(g.u32(s + 24)), hi = g.u32(s + 28);
        long result = switch (kind) {
            case READ -> (int) lo;
            case TIME -> hi << 32 | lo;
            default -> 0;
        };
        byte[] data = g.bytes(g.u32(s + 32), g.u32(s + 36), MAX_DATA);
        boolean isNull = kind == NativeKind.READ_FILE && (g.u32(s + 40) & 1) != 0;
        String bad = JvmLogCodec.check(kind, result, isNull, data.length);
        if (bad != null) throw g.bad("native call " + seq + " (" + name + "): " + bad);
        natives.add(new NativeCall(seq, kind, cls, method, desc, pc, result, isNull, data));
    }

    private void onUncaught(GuestStructs g) {
        if (uncaught != null) throw g.bad("a second uncaught exception");
        int s = g.argument();
        uncaught = CharBytes.text(g.bytes(g.u32(s), g.u32(s + 4), MAX_UNCAUGHT));
    }

    private void onExit(GuestStructs g) {
        if (exitStatus != -1) throw g.bad("a second exit");
        int status = g.argument();
        if (status < 0) throw g.bad("exit status " + Integer.toUnsignedString(status));
        exitStatus = status;
    }
}
