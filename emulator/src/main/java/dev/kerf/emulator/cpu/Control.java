package dev.kerf.emulator.cpu;

/**
 * Control transfer: Jcc, JMP, CALL, RET (near, and far through {@link SegmentLoader}), LOOPcc,
 * JCXZ/JECXZ, INT n/INT3/INTO and IRET (through {@link InterruptDelivery}), BOUND.
 *
 * <p>On entry {@code cpu.eip} already holds the next instruction's address. With a 16-bit
 * operand size near targets are truncated to 16 bits (SDM). Near targets are not checked
 * against the CS limit.
 */
final class Control {
    private Control() {}

    private static void jump(Executor x, int target) {
        x.cpu.eip = x.o32 ? target : target & 0xFFFF;
    }

    /** 70-7F and 0F 80-8F. */
    static void jcc(Executor x, int cc) {
        Cpu c = x.cpu;
        // JZ/JNZ (the commonest) test ZF inline; Flags.cond is too big for the JIT to inline.
        boolean taken = (cc & 0xE) == 4 ? Flags.zf(c) ^ ((cc & 1) != 0) : Flags.cond(c, cc);
        if (taken) jump(x, c.eip + x.imm);
    }

    /** E9/EB. */
    static void jmpRel(Executor x) {
        jump(x, x.cpu.eip + x.imm);
    }

    /** E8. */
    static void callRel(Executor x) {
        int next = x.cpu.eip;
        Stack.push(x, next);
        jump(x, next + x.imm);
    }

    /** FF /2. */
    static void callRm(Executor x) {
        int target = x.rmv(x.opMask());
        Stack.push(x, x.cpu.eip);
        jump(x, target);
    }

    /** FF /4. */
    static void jmpRm(Executor x) {
        jump(x, x.rmv(x.opMask()));
    }

    /** C2/C3: RET [imm16]. */
    static void ret(Executor x, int popBytes) {
        int target = Stack.pop(x);
        if (popBytes != 0) x.reg[Cpu.ESP] = Stack.spPlus(x, popBytes);
        jump(x, target);
    }

    /** FF /3 and FF /5: far CALL/JMP through an m16:16/m16:32 pointer. */
    static void farIndirect(Executor x, boolean call) {
        int off = x.readMem(x.opMask(), x.ea);
        int sel = x.read16(x.ea + (x.o32 ? 4 : 2));
        if (call) SegmentLoader.farCall(x.cpu, sel, off, x.o32);
        else SegmentLoader.farJump(x.cpu, sel, off, x.o32);
    }

    /** 9A/EA: far CALL/JMP ptr16:16/ptr16:32. */
    static void farDirect(Executor x, boolean call) {
        if (call) SegmentLoader.farCall(x.cpu, x.imm2, x.imm, x.o32);
        else SegmentLoader.farJump(x.cpu, x.imm2, x.imm, x.o32);
    }

    /** CA/CB: RETF [imm16]. */
    static void retFar(Executor x, int popBytes) {
        SegmentLoader.farReturn(x.cpu, x.o32, popBytes);
    }

    /** E0-E3: LOOPNE, LOOPE, LOOP, JCXZ/JECXZ; the counter is CX or ECX by address size. */
    static void loop(Executor x, int opcode) {
        int[] reg = x.reg;
        int count = x.a32 ? reg[Cpu.ECX] : reg[Cpu.ECX] & 0xFFFF;
        boolean take;
        if (opcode == 0xE3) {
            take = count == 0;
        } else {
            count--;
            if (x.a32) reg[Cpu.ECX] = count;
            else reg[Cpu.ECX] = (reg[Cpu.ECX] & 0xFFFF0000) | (count & 0xFFFF);
            take = (x.a32 ? count : count & 0xFFFF) != 0;
            if (opcode == 0xE0) take &= !Flags.zf(x.cpu);
            else if (opcode == 0xE1) take &= Flags.zf(x.cpu);
        }
        if (take) jump(x, x.cpu.eip + x.imm);
    }

    /** INT n, INT3, INTO: a software interrupt; the saved EIP is the next instruction. */
    static void softwareInterrupt(Executor x, int vector) {
        Cpu c = x.cpu;
        Flags.materialize(c);
        // A fault while entering the handler (gate DPL, gate not present, bad stack) is a fault of
        // this INT instruction: it propagates to the run loop, which rewinds EIP to the INT and
        // delivers it (hardware and QEMU report the INT's address; found by QemuDifferentialTest).
        HookCalls.interrupt(c, vector, InterruptDelivery.SOFTWARE, false, 0);
        InterruptEntry.enter(c, vector, InterruptDelivery.SOFTWARE, false, 0);
        c.halted = false;
        c.pollIrq = true;
    }

    /** CE: INTO raises #OF (as a software interrupt) when OF is set. */
    static void into(Executor x) {
        if (Flags.of(x.cpu)) softwareInterrupt(x, Vectors.OF);
    }

    /** CF: IRET/IRETD. */
    static void iret(Executor x) {
        Cpu c = x.cpu;
        InterruptDelivery.iret(c, x.o32);
        c.pollIrq = true;
    }

    /** 62: BOUND r, m: #BR unless lower <= index <= upper (signed). */
    static void bound(Executor x) {
        int index, lower, upper;
        if (x.o32) {
            index = x.reg[x.regf];
            lower = x.read32(x.ea);
            upper = x.read32(x.ea + 4);
        } else {
            index = (short) x.reg[x.regf];
            lower = (short) x.read16(x.ea);
            upper = (short) x.read16(x.ea + 2);
        }
        if (index < lower || index > upper) throw CpuFault.of(Vectors.BR);
    }
}
