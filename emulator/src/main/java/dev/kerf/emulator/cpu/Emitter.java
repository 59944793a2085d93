package dev.kerf.emulator.cpu;

import static org.objectweb.asm.Opcodes.*;

import dev.kerf.emulator.cpu.decode.Decoded;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Type;

/**
 * The body of a compiled block's {@code run(Cpu c, Executor x)} method (docs/block-translator.md
 * §4, §6). For the commonest 32-bit integer instructions it emits bytecode that moves the operands
 * and calls the instruction families' own operations for the semantics ({@link Arith#alu},
 * {@link Arith#inc}, {@link Shift#rol}..., {@link MulDiv#imul32}, the {@link Flags} predicates);
 * nothing here computes a result or a flag by itself, so the interpreter and the translator share
 * one source of semantics. Every other instruction is a call of {@link Translator#step} with its
 * decoded form as a constant: the families themselves, minus the decode.
 *
 * <p>What compiling removes besides the decode:
 * <ul>
 * <li><b>Registers live in JVM locals</b> (loaded at entry; HotSpot keeps them in host registers).
 * The emitter knows at each point which locals differ from {@code Cpu.reg} ("dirty") and stores
 * exactly those wherever code outside the method may look: before a generic instruction (then
 * reloads them all), a slow memory access (which may fault or reach a device), and at every
 * exit. The observed form (instruction hooks registered) keeps them in {@code Cpu.reg}, where the hooks called
 * before every instruction see them.
 * <li><b>The micro-TLB hit is inline</b>: a memory operand tests the {@link Executor}'s entry for
 * its page and reads or writes the RAM array directly; only a miss (a page walk, a device, a
 * fault, a code page, a hook) calls the executor's accessor, after storing what the interpreter's
 * step leaves before anything can fault (icount, start address, ESP, the dirty registers). A flat
 * segment (limit 4 GiB) costs no limit check; another segment is checked by the executor. The
 * stack is handled inline on a 32-bit stack, by {@link Stack} on a 16-bit one.
 * </ul>
 * Results are written after the accesses that may fault, and flags before a store only when that
 * store may fault (then saved first, as the interpreter does), so a fault leaves the state the
 * instruction started with, and the run loop rewinds and delivers it as for the interpreter.
 */
final class Emitter {
    private static final String CPU = BlockCompiler.CPU, EXEC = BlockCompiler.EXEC;
    private static final String CPU_T = "L" + CPU + ";", EXEC_T = "L" + EXEC + ";";
    private static final String DECODED = BlockCompiler.DECODED;
    private static final String FLAGS = Type.getInternalName(Flags.class);
    private static final String ARITH = Type.getInternalName(Arith.class);
    private static final String SHIFT = Type.getInternalName(Shift.class);
    private static final String MULDIV = Type.getInternalName(MulDiv.class);
    private static final String RUNTIME = Type.getInternalName(BlockRuntime.class);
    private static final String TRANSLATOR = Type.getInternalName(Translator.class);
    private static final String SEGMENT = Type.getInternalName(SegmentCache.class);
    private static final Handle CLASS_DATA_AT = new Handle(H_INVOKESTATIC,
            "java/lang/invoke/MethodHandles", "classDataAt",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;I)Ljava/lang/Object;", false);

    /** Locals of the run method. */
    private static final int C = 1, X = 2, ICOUNT = 3, REG = 5, END = 6;
    /** Scratch: first and second operand, result, linear address, micro-TLB slot, new ESP, memory offset. */
    private static final int A = 8, B = 9, R = 10, L = 11, S = 12, SP = 13, OFF = 14;
    /** The six segment caches (never replaced, and not reloaded inside a block) in SEG0..SEG0+5. */
    private static final int SEG0 = 15;
    /** EAX..EDI live in locals R0..R0+7 (in the plain form); T is scratch for a register store in the observed form. */
    private static final int R0 = 21, T = R0 + 8;
    /**
     * Most instructions a block that loops on itself runs per call: bounds how late the run loop
     * sees {@link Cpu#requestStop()}.
     */
    static final int LOOP_BUDGET = 1024;
    /**
     * Bytecode size after which no further instruction is added to the method: HotSpot leaves
     * methods over 8,000 bytes to its interpreter (DontCompileHugeMethods), and one instruction
     * with its slow paths takes a few hundred bytes at most.
     */
    static final int CODE_BUDGET = 6000;

    private final MethodVisitor mv;
    private final Block block;
    private final boolean observed;
    /** Registers whose local differs (or may differ) from {@code Cpu.reg}. */
    private final boolean[] dirty = new boolean[8];
    /** Start of the loop of a block that jumps to its own start; null otherwise. */
    private Label top;
    /** Per instruction: its flags are overwritten before anything can observe them ({@link #deadFlags}). */
    private final boolean[] dead;

    /** The instructions compiled: the block's, up to where its profile says it is usually left ({@link Block#compiledLength}). */
    private final Decoded[] insns;

    private Emitter(MethodVisitor mv, Block block, boolean observed) {
        this.mv = mv;
        this.block = block;
        this.observed = observed;
        this.insns = java.util.Arrays.copyOf(block.insns, block.compiledLength());
        this.dead = deadFlags(insns, observed);
    }

    /** Emits the whole {@code run} method of {@code b} (its observed form with {@code observed}). */
    static void method(MethodVisitor mv, Block b, boolean observed) {
        new Emitter(mv, b, observed).method();
    }

    private void method() {
        mv.visitVarInsn(ALOAD, C);
        mv.visitFieldInsn(GETFIELD, CPU, "icount", "J");
        mv.visitVarInsn(LSTORE, ICOUNT);
        mv.visitVarInsn(ALOAD, C);
        mv.visitFieldInsn(GETFIELD, CPU, "reg", "[I");
        mv.visitVarInsn(ASTORE, REG);
        for (int sreg = 0; sreg < 6; sreg++) {
            mv.visitVarInsn(ALOAD, X);
            mv.visitFieldInsn(GETFIELD, EXEC, "seg", "[L" + SEGMENT + ";");
            push(sreg);
            mv.visitInsn(AALOAD);
            mv.visitVarInsn(ASTORE, SEG0 + sreg);
        }
        reload();
        if (loops()) {
            // A loop inside the method (docs/block-translator.md §4): end = min(limit, icount + budget).
            mv.visitVarInsn(ALOAD, X);
            mv.visitFieldInsn(GETFIELD, EXEC, "limit", "J");
            icountPlus(LOOP_BUDGET);
            mv.visitMethodInsn(INVOKESTATIC, "java/lang/Math", "min", "(JJ)J", false);
            mv.visitVarInsn(LSTORE, END);
            // Any register may have been written by an earlier round: all count as dirty from here.
            java.util.Arrays.fill(dirty, true);
            top = new Label();
            mv.visitLabel(top);
        }
        boolean pending = false; // an instruction's flags were left out and the one overwriting them is still to come
        for (int k = 0; k < insns.length; k++) {
            Decoded d = insns[k];
            if (k > 0 && !pending && offset() > CODE_BUDGET) {
                // HotSpot does not compile a method of more than 8,000 bytes of bytecode: the
                // compiled form ends here, and the rest of the block is found as another block.
                exit(k, d.eip(), insns[k - 1].eip());
                mv.visitMaxs(0, 0);
                return;
            }
            boolean last = k == insns.length - 1;
            if (observed) beforeInstruction(d, k);
            if (!specialised(d, k, last)) generic(d, k);
            if (dead[k]) pending = true;
            else if (flagEffect(d) == KILL) pending = false;
            if (!last && (observed || mayAccess(d))) exitIfAsked(k, d);
        }
        exit(insns.length, -1, insns[insns.length - 1].eip());
        mv.visitMaxs(0, 0);
    }

    private static final int NONE = 0, KILL = 1, OTHER = 2;

    /**
     * Flag liveness (docs/block-translator.md §4): instruction k's flags are dead when the next
     * instruction that touches flags overwrites all six without reading any, and nothing between
     * can observe them: no instruction that may fault or reach a slow path (a fault pushes
     * EFLAGS), no exit (a side exit reads them anyway; the block's end, a store that may leave
     * the block, and the observed form's hooks count as readers), no family call. Only ALU, TEST
     * and IMUL forms are left without flags (shifts overwrite all six but keep theirs).
     */
    static boolean[] deadFlags(Decoded[] insns, boolean observed) {
        int n = insns.length;
        boolean[] dead = new boolean[n];
        if (observed) return dead;
        boolean live = true; // after the last instruction: the block's exit
        for (int k = n - 1; k >= 0; k--) {
            Decoded d = insns[k];
            if (k < n - 1 && mayStore(d)) live = true; // the block may be left after it
            int effect = flagEffect(d);
            boolean faults = mayFault(d);
            if (effect == KILL) {
                int op = d.op();
                dead[k] = !live && op != 0xC1 && op != 0xD1;
                live = faults;
            } else if (effect == OTHER) {
                live = true;
            } else {
                live |= faults;
            }
        }
        return dead;
    }

    /** {@link #specialised}'s precondition (besides PAUSE): 32-bit operands, no REP, 32-bit addressing. */
    private static boolean specialisable(Decoded d) {
        return d.o32() && d.rep() == 0 && (!d.memory() || d.a32());
    }

    /**
     * How instruction {@code d} as compiled here touches the arithmetic flags: NONE, KILL (writes
     * all six, reads none) or OTHER (reads some, writes some, or is a family call).
     */
    static int flagEffect(Decoded d) {
        if (!specialisable(d)) return OTHER;
        int op = d.op();
        if (op < 0x40 && (op & 7) <= 5) return carryIn(op >> 3) ? OTHER : KILL;
        switch (op) {
            case 0x80: case 0x81: case 0x82: case 0x83:
                return carryIn(d.regf()) ? OTHER : KILL;
            case 0x84: case 0x85: case 0xA8: case 0x1AF: case 0x69: case 0x6B:
                return KILL;
            case 0xF6:
                return d.regf() <= 1 ? KILL : OTHER;
            case 0xC1: case 0xD1: {
                // SHL/SHR/SAL/SAR by a constant: all six (AF cleared); a zero count: none
                int count = op == 0xD1 ? 1 : d.imm() & 0x1F;
                if (d.memory()) return OTHER;
                if (count == 0) return NONE;
                return d.regf() >= 4 ? KILL : OTHER;
            }
            case 0x8D:
                return d.memory() ? NONE : OTHER;
            case 0x90:
                return d.length() == 1 ? NONE : OTHER;
            case 0x88: case 0x89: case 0x8A: case 0x8B: case 0xC6: case 0xC7:
            case 0xB0: case 0xB1: case 0xB2: case 0xB3: case 0xB4: case 0xB5: case 0xB6: case 0xB7:
            case 0xB8: case 0xB9: case 0xBA: case 0xBB: case 0xBC: case 0xBD: case 0xBE: case 0xBF:
            case 0x1B6: case 0x1B7: case 0x1BE: case 0x1BF:
            case 0x50: case 0x51: case 0x52: case 0x53: case 0x54: case 0x55: case 0x56: case 0x57:
            case 0x58: case 0x59: case 0x5A: case 0x5B: case 0x5C: case 0x5D: case 0x5E: case 0x5F:
            case 0x68: case 0x6A: case 0xE8: case 0xC3: case 0xE9: case 0xEB:
                return NONE;
            default:
                return OTHER;
        }
    }

    private static boolean carryIn(int alu) {
        return alu == Arith.ADC || alu == Arith.SBB;
    }

    /** Whether {@code d} may fault or take a slow path: a memory access, a push or pop. */
    private static boolean mayFault(Decoded d) {
        int op = d.op();
        return d.memory() && op != 0x8D || (op >= 0x50 && op <= 0x5F) || op == 0x68 || op == 0x6A || op == 0xE8 || op == 0xC3;
    }

    /** The size of the bytecode emitted so far. */
    private int offset() {
        Label here = new Label();
        mv.visitLabel(here);
        return here.getOffset();
    }

    /** Whether a jump of the block (a Jcc either way, a JMP) goes back to its first instruction. */
    private boolean loops() {
        for (int k = 0; k < insns.length; k++) {
            Decoded d = insns[k];
            if (!isCompiledJump(d)) continue;
            if (d.next() + d.imm() == block.eip || !isJmp(d.op()) && k == insns.length - 1 && d.next() == block.eip) return true;
        }
        return false;
    }

    /**
     * The jump {@code d} (number k) goes to {@code target}: a loop round when that is the block's
     * start (docs/block-translator.md §4), else {@code c.eip = target} and, unless it is the last
     * instruction (whose exit follows), the block is left with k + 1 instructions retired.
     */
    private void jumpTo(Decoded d, int k, int target) {
        if (top != null && target == block.eip) {
            loopAgain(k + 1, d.eip());
        } else if (k == insns.length - 1) {
            setEip(target);
        } else {
            exit(k + 1, target, d.eip());
        }
    }

    /** The back edge of a block that loops on itself after {@code n} instructions: again if all of it fits before the end. */
    private void loopAgain(int n, int start) {
        icountPlus(n);
        mv.visitVarInsn(LSTORE, ICOUNT);
        icountPlus(insns.length);
        mv.visitVarInsn(LLOAD, END);
        mv.visitInsn(LCMP);
        mv.visitJumpInsn(IFLE, top);
        exit(0, block.eip, start);
    }

    // ---- the method's frame: exits, generic instructions, hooks ----

    /** Stores the dirty registers, {@code c.icount = icount0 + n}, {@code c.eip} (unless -1: already set), {@code x.start}; returns. */
    private void exit(int n, int eip, int start) {
        spill();
        setIcount(n);
        if (eip != -1) setEip(eip);
        setStart(start);
        mv.visitInsn(RETURN);
    }

    /** {@code Translator.step(c, x, <insn k>, icount0 + k)}, with the registers in {@code Cpu.reg} around it. */
    private void generic(Decoded d, int k) {
        spill();
        mv.visitVarInsn(ALOAD, C);
        mv.visitVarInsn(ALOAD, X);
        mv.visitLdcInsn(new ConstantDynamic("_", DECODED, CLASS_DATA_AT, k));
        icountPlus(k);
        mv.visitMethodInsn(INVOKESTATIC, TRANSLATOR, "step", "(" + CPU_T + EXEC_T + DECODED + "J)V", false);
        reload();
    }

    /**
     * After instruction k: if it stored into a code page, or a hook called during it (a memory
     * hook: only where k may access memory) changed the registrations or asked for a stop
     * ({@code Cpu.memoryHooksRan} sets {@code leaveBlock} then), retire it and leave.
     */
    private void exitIfAsked(int k, Decoded d) {
        Label leave = new Label(), go = new Label();
        mv.visitVarInsn(ALOAD, C);
        mv.visitFieldInsn(GETFIELD, CPU, "leaveBlock", "Z");
        if (observed) {
            mv.visitJumpInsn(IFNE, leave);
            mv.visitVarInsn(ALOAD, C);
            mv.visitFieldInsn(GETFIELD, CPU, "stopRequested", "Z");
        }
        mv.visitJumpInsn(IFEQ, go);
        mv.visitLabel(leave);
        mv.visitVarInsn(ALOAD, C);
        mv.visitInsn(ICONST_0);
        mv.visitFieldInsn(PUTFIELD, CPU, "leaveBlock", "Z");
        exit(k + 1, d.next(), d.eip());
        mv.visitLabel(go);
    }

    /** Observed blocks (registers in {@code Cpu.reg}): {@code c.eip}, {@code c.icount} of instruction k, then the instruction hooks. */
    private void beforeInstruction(Decoded d, int k) {
        setEip(d.eip());
        setIcount(k);
        mv.visitVarInsn(ALOAD, C);
        mv.visitMethodInsn(INVOKEVIRTUAL, CPU, "beforeInstruction", "()V", false);
    }

    /**
     * Whether instruction {@code d} may store to memory, so a store into a code page must end the
     * block after it. Errs towards yes: a memory operand, FF (CALL/PUSH through r/m), or an
     * opcode without ModRM that is not known to touch registers only (PUSH, CALL, ENTER, STOS...).
     */
    static boolean mayStore(Decoded d) {
        int op = d.op();
        if (d.memory()) return op != 0x8D; // LEA computes an address, it does not access it
        if ((d.entry() & dev.kerf.emulator.cpu.decode.OpcodeTable.MODRM) != 0) return op == 0xFF;
        return !((op >= 0x40 && op <= 0x4F) || (op >= 0x58 && op <= 0x5F) || (op >= 0x70 && op <= 0x7F)
                || (op >= 0x90 && op <= 0x99) || (op >= 0xB0 && op <= 0xBF) || (op >= 0x180 && op <= 0x18F) || op == 0xE9 || op == 0xEB
                || (op < 0x40 && ((op & 7) == 4 || (op & 7) == 5)) || op == 0xA8 || op == 0xA9);
    }

    /** Whether {@code d} may read or write memory (where a memory hook may be called): {@link #mayStore}, or a POP. */
    static boolean mayAccess(Decoded d) {
        int op = d.op();
        return mayStore(d) || op >= 0x58 && op <= 0x5F || op == 0x8F;
    }

    // ---- the specialised instructions ----

    /**
     * Emits instruction {@code d} (number {@code k} in its block) if it has a specialised form;
     * when it is the block's {@code last}, the emitted code also leaves {@code c.eip} at the
     * next instruction (or the branch target).
     */
    private boolean specialised(Decoded d, int k, boolean last) {
        boolean pause = d.op() == 0x90 && d.rep() == 0xF3 && d.o32() && d.segOvr() < 0 && !d.lock() && d.length() == 2;
        boolean word = wordSpecialisable(d);
        if (!pause && !word && !specialisable(d)) return false;
        boolean done = pause || (word ? word(d, k) : body(d, k, d.op()));
        if (done && last && !transfersControl(d)) setEip(d.next());
        return done;
    }

    /**
     * The 16-bit operand forms (a 66 prefix, 32-bit addressing, no REP) compiled here rather than
     * called: MOV r/m16, r16 and r16, r/m16, and a 16-bit register shifted or rotated by a
     * constant (the Linux boot's most frequent family calls with 32-bit MOV and MUL: 89 M of
     * its 112 M before these).
     */
    private static boolean wordSpecialisable(Decoded d) {
        if (d.o32() || d.rep() != 0 || d.memory() && !d.a32()) return false;
        int op = d.op();
        return op == 0x89 || op == 0x8B || (op == 0xC1 || op == 0xD1) && !d.memory();
    }

    /** Emits a {@link #wordSpecialisable} instruction. */
    private boolean word(Decoded d, int k) {
        switch (d.op()) {
            case 0x89:
                moveToRm(d, k, 2);
                return true;
            case 0x8B:
                moveFromRm(d, k, 2);
                return true;
            default:
                return shift(d, (d.op() == 0xD1 ? 1 : d.imm()) & 0x1F, 2);
        }
    }

    /** MOV r/m, r of {@code size} bytes (4, 2 or 1; a 2-byte store keeps R's low half). */
    private void moveToRm(Decoded d, int k, int size) {
        if (size == 1) reg8(d.regf());
        else loadReg(d.regf());
        mv.visitVarInsn(ISTORE, R);
        writeRm(d, k, size);
    }

    /** MOV r, r/m of {@code size} bytes (4, 2 or 1). */
    private void moveFromRm(Decoded d, int k, int size) {
        readRm(d, k, size);
        mv.visitVarInsn(ISTORE, R);
        setReg(size, d.regf());
    }

    /** Near JMP or Jcc with a relative target. */
    static boolean isDirectJump(int op) {
        return (op >= 0x70 && op <= 0x7F) || (op >= 0x180 && op <= 0x18F) || isJmp(op);
    }

    /** Near JMP rel8/rel32 (no condition). */
    static boolean isJmp(int op) {
        return op == 0xE9 || op == 0xEB;
    }

    /**
     * A near JMP or Jcc compiled here (32-bit operand size, no REP prefix: {@link #specialised}
     * takes it): the only transfers a block may go on past ({@link Translator}'s traces).
     */
    static boolean isCompiledJump(Decoded d) {
        return isDirectJump(d.op()) && d.o32() && d.rep() == 0;
    }

    /** The specialised forms that set {@code c.eip} themselves: jumps, CALL, RET, CALL/JMP through FF. */
    private static boolean transfersControl(Decoded d) {
        int op = d.op();
        return isDirectJump(op) || op == 0xE8 || op == 0xC3 || op == 0xFF && (d.regf() == 2 || d.regf() == 4);
    }

    private boolean body(Decoded d, int k, int op) {
        switch (op) {
            case 0x01: case 0x09: case 0x11: case 0x19: case 0x21: case 0x29: case 0x31: case 0x39:
                // ALU r/m32, r32
                readRm(d, k, 4);
                mv.visitVarInsn(ISTORE, A);
                loadReg(d.regf());
                mv.visitVarInsn(ISTORE, B);
                alu(d, k, op >> 3, true, 4, d.rm());
                return true;
            case 0x03: case 0x0B: case 0x13: case 0x1B: case 0x23: case 0x2B: case 0x33: case 0x3B:
                // ALU r32, r/m32
                readRm(d, k, 4);
                mv.visitVarInsn(ISTORE, B);
                loadReg(d.regf());
                mv.visitVarInsn(ISTORE, A);
                alu(d, k, op >> 3, false, 4, d.regf());
                return true;
            case 0x05: case 0x0D: case 0x15: case 0x1D: case 0x25: case 0x2D: case 0x35: case 0x3D:
                // ALU EAX, imm32
                loadReg(Cpu.EAX);
                mv.visitVarInsn(ISTORE, A);
                constant(d.imm(), B);
                alu(d, k, op >> 3, false, 4, Cpu.EAX);
                return true;
            case 0x81: case 0x83:
                readRm(d, k, 4);
                mv.visitVarInsn(ISTORE, A);
                constant(d.imm(), B);
                alu(d, k, d.regf(), true, 4, d.rm());
                return true;
            case 0x85:
                // TEST r/m32, r32: an AND whose result is dropped
                readRm(d, k, 4);
                mv.visitVarInsn(ISTORE, A);
                loadReg(d.regf());
                mv.visitVarInsn(ISTORE, B);
                test(k, -1);
                return true;
            case 0x89:
                moveToRm(d, k, 4);
                return true;
            case 0x8B:
                moveFromRm(d, k, 4);
                return true;
            case 0xC7:
                constant(d.imm(), R);
                writeRm(d, k, 4);
                return true;
            case 0xB8: case 0xB9: case 0xBA: case 0xBB: case 0xBC: case 0xBD: case 0xBE: case 0xBF:
                push(d.imm());
                storeReg(op & 7);
                return true;
            case 0x8D:
                if (!d.memory()) return false;
                offset(d);
                storeReg(d.regf());
                return true;
            case 0x40: case 0x41: case 0x42: case 0x43: case 0x44: case 0x45: case 0x46: case 0x47:
            case 0x48: case 0x49: case 0x4A: case 0x4B: case 0x4C: case 0x4D: case 0x4E: case 0x4F:
                mv.visitVarInsn(ALOAD, C);
                loadReg(op & 7);
                push(-1);
                mv.visitMethodInsn(INVOKESTATIC, ARITH, op < 0x48 ? "inc" : "dec", "(" + CPU_T + "II)I", false);
                storeReg(op & 7);
                return true;
            case 0x50: case 0x51: case 0x52: case 0x53: case 0x54: case 0x55: case 0x56: case 0x57:
                loadReg(op & 7);
                mv.visitVarInsn(ISTORE, R);
                pushR(d, k);
                return true;
            case 0x68: case 0x6A:
                constant(d.imm(), R);
                pushR(d, k);
                return true;
            case 0x58: case 0x59: case 0x5A: case 0x5B: case 0x5C: case 0x5D: case 0x5E: case 0x5F:
                // POP r32: the popped value wins over the ESP increment (POP ESP)
                popR(d, k);
                mv.visitVarInsn(ILOAD, R);
                storeReg(op & 7);
                return true;
            case 0xC1: case 0xD1:
                if (d.memory()) return false;
                return shift(d, op == 0xD1 ? 1 : d.imm() & 0x1F, 4);
            case 0x1B6: case 0x1B7: case 0x1BE: case 0x1BF: {
                // MOVZX/MOVSX r32, r/m8 or r/m16
                boolean word = (op & 1) != 0;
                readRm(d, k, word ? 2 : 1);
                if (op >= 0x1BE) mv.visitInsn(word ? I2S : I2B);
                storeReg(d.regf());
                return true;
            }
            case 0x90:
                return d.length() == 1;
            case 0x1AF:
                // IMUL r32, r/m32
                readRm(d, k, 4);
                mv.visitVarInsn(ISTORE, B);
                loadReg(d.regf());
                mv.visitVarInsn(ISTORE, A);
                imul(d, k);
                return true;
            case 0x69: case 0x6B:
                // IMUL r32, r/m32, imm
                readRm(d, k, 4);
                mv.visitVarInsn(ISTORE, A);
                constant(d.imm(), B);
                imul(d, k);
                return true;
            case 0x190: case 0x191: case 0x192: case 0x193: case 0x194: case 0x195: case 0x196: case 0x197:
            case 0x198: case 0x199: case 0x19A: case 0x19B: case 0x19C: case 0x19D: case 0x19E: case 0x19F:
                // SETcc r/m8
                condition(op & 15);
                mv.visitVarInsn(ISTORE, R);
                writeRm(d, k, 1);
                return true;
            case 0x140: case 0x141: case 0x142: case 0x143: case 0x144: case 0x145: case 0x146: case 0x147:
            case 0x148: case 0x149: case 0x14A: case 0x14B: case 0x14C: case 0x14D: case 0x14E: case 0x14F: {
                // CMOVcc r32, r/m32: the source is read (and may fault) whatever the condition
                readRm(d, k, 4);
                mv.visitVarInsn(ISTORE, R);
                Label skip = new Label();
                jumpUnless(op & 15, skip);
                mv.visitVarInsn(ILOAD, R);
                storeReg(d.regf()); // dirty from here on either way: the local holds the right value
                mv.visitLabel(skip);
                return true;
            }
            case 0x88:
                moveToRm(d, k, 1);
                return true;
            case 0x8A:
                moveFromRm(d, k, 1);
                return true;
            case 0xC6:
                constant(d.imm() & 0xFF, R);
                writeRm(d, k, 1);
                return true;
            case 0xB0: case 0xB1: case 0xB2: case 0xB3: case 0xB4: case 0xB5: case 0xB6: case 0xB7:
                constant(d.imm() & 0xFF, R);
                setReg8(op & 7);
                return true;
            case 0x00: case 0x08: case 0x10: case 0x18: case 0x20: case 0x28: case 0x30: case 0x38:
                // ALU r/m8, r8
                readRm(d, k, 1);
                mv.visitVarInsn(ISTORE, A);
                reg8(d.regf());
                mv.visitVarInsn(ISTORE, B);
                alu(d, k, op >> 3, true, 1, d.rm());
                return true;
            case 0x02: case 0x0A: case 0x12: case 0x1A: case 0x22: case 0x2A: case 0x32: case 0x3A:
                // ALU r8, r/m8
                readRm(d, k, 1);
                mv.visitVarInsn(ISTORE, B);
                reg8(d.regf());
                mv.visitVarInsn(ISTORE, A);
                alu(d, k, op >> 3, false, 1, d.regf());
                return true;
            case 0x04: case 0x0C: case 0x14: case 0x1C: case 0x24: case 0x2C: case 0x34: case 0x3C:
                // ALU AL, imm8
                reg8(Cpu.EAX);
                mv.visitVarInsn(ISTORE, A);
                constant(d.imm() & 0xFF, B);
                alu(d, k, op >> 3, false, 1, Cpu.EAX);
                return true;
            case 0x80: case 0x82:
                readRm(d, k, 1);
                mv.visitVarInsn(ISTORE, A);
                constant(d.imm() & 0xFF, B);
                alu(d, k, d.regf(), true, 1, d.rm());
                return true;
            case 0x84:
                // TEST r/m8, r8
                readRm(d, k, 1);
                mv.visitVarInsn(ISTORE, A);
                reg8(d.regf());
                mv.visitVarInsn(ISTORE, B);
                test(k, 0xFF);
                return true;
            case 0xA8:
                reg8(Cpu.EAX);
                mv.visitVarInsn(ISTORE, A);
                constant(d.imm() & 0xFF, B);
                test(k, 0xFF);
                return true;
            case 0xF6:
                if (d.regf() > 1) return false;
                // TEST r/m8, imm8
                readRm(d, k, 1);
                mv.visitVarInsn(ISTORE, A);
                constant(d.imm() & 0xFF, B);
                test(k, 0xFF);
                return true;
            case 0xD3: {
                // shift group 2 r32 by CL (a zero count changes nothing, not even flags)
                if (d.memory()) return false;
                Label skip = new Label();
                loadReg(Cpu.ECX);
                push(0x1F);
                mv.visitInsn(IAND);
                mv.visitVarInsn(ISTORE, B);
                mv.visitVarInsn(ILOAD, B);
                mv.visitJumpInsn(IFEQ, skip);
                mv.visitVarInsn(ALOAD, C);
                loadReg(d.rm());
                mv.visitVarInsn(ILOAD, B);
                push(-1);
                mv.visitMethodInsn(INVOKESTATIC, SHIFT, Shift.method(d.regf()), "(" + CPU_T + "III)I", false);
                storeReg(d.rm());
                mv.visitLabel(skip);
                return true;
            }
            case 0xF7: {
                if (d.regf() != 4 && d.regf() != 5) return false;
                // MUL / IMUL r/m32: EDX:EAX = EAX * r/m32 (the family's 64-bit product, its flags)
                readRm(d, k, 4);
                mv.visitVarInsn(ISTORE, B);
                mv.visitVarInsn(ALOAD, C);
                loadReg(Cpu.EAX);
                mv.visitVarInsn(ILOAD, B);
                mv.visitMethodInsn(INVOKESTATIC, MULDIV, d.regf() == 4 ? "mul32" : "imulWide32", "(" + CPU_T + "II)J", false);
                mv.visitInsn(DUP2);
                mv.visitInsn(L2I);
                storeReg(Cpu.EAX);
                push(32);
                mv.visitInsn(LUSHR);
                mv.visitInsn(L2I);
                storeReg(Cpu.EDX);
                return true;
            }
            case 0xFF:
                return groupFive(d, k);
            case 0x70: case 0x71: case 0x72: case 0x73: case 0x74: case 0x75: case 0x76: case 0x77:
            case 0x78: case 0x79: case 0x7A: case 0x7B: case 0x7C: case 0x7D: case 0x7E: case 0x7F:
            case 0x180: case 0x181: case 0x182: case 0x183: case 0x184: case 0x185: case 0x186: case 0x187:
            case 0x188: case 0x189: case 0x18A: case 0x18B: case 0x18C: case 0x18D: case 0x18E: case 0x18F: {
                // taken: leaves the block (or loops); not taken: the next instruction, or the block's end
                Label notTaken = new Label(), end = new Label();
                jumpUnless(op & 15, notTaken);
                jumpTo(d, k, d.next() + d.imm());
                mv.visitJumpInsn(GOTO, end);
                mv.visitLabel(notTaken);
                if (k == insns.length - 1) jumpTo(d, k, d.next());
                mv.visitLabel(end);
                return true;
            }
            case 0xE9: case 0xEB:
                // in the middle of a block, the next instruction is the target
                if (k == insns.length - 1) jumpTo(d, k, d.next() + d.imm());
                return true;
            case 0xE8:
                constant(d.next(), R);
                pushR(d, k);
                setEip(d.next() + d.imm());
                return true;
            case 0xC3:
                popR(d, k);
                mv.visitVarInsn(ALOAD, C);
                mv.visitVarInsn(ILOAD, R);
                mv.visitFieldInsn(PUTFIELD, CPU, "eip", "I");
                return true;
            default:
                return false;
        }
    }

    /** IMUL of A and B into ModRM.reg. */
    private void imul(Decoded d, int k) {
        if (dead[k]) {
            mv.visitVarInsn(ILOAD, A);
            mv.visitVarInsn(ILOAD, B);
            mv.visitMethodInsn(INVOKESTATIC, MULDIV, "product32", "(II)I", false);
        } else {
            mv.visitVarInsn(ALOAD, C);
            mv.visitVarInsn(ILOAD, A);
            mv.visitVarInsn(ILOAD, B);
            mv.visitMethodInsn(INVOKESTATIC, MULDIV, "imul32", "(" + CPU_T + "II)I", false);
        }
        storeReg(d.regf());
    }

    /** Pushes the even condition {@code cc & ~1} through the one Flags predicate it needs. */
    private void evenCondition(int cc) {
        mv.visitVarInsn(ALOAD, C);
        mv.visitMethodInsn(INVOKESTATIC, FLAGS, Flags.condMethod(cc), "(" + CPU_T + ")Z", false);
    }

    /** Pushes condition {@code cc} (0 or 1). */
    private void condition(int cc) {
        evenCondition(cc);
        if ((cc & 1) != 0) {
            push(1);
            mv.visitInsn(IXOR);
        }
    }

    /** Jumps to {@code label} unless condition {@code cc} holds. */
    private void jumpUnless(int cc, Label label) {
        evenCondition(cc);
        mv.visitJumpInsn((cc & 1) == 0 ? IFEQ : IFNE, label);
    }

    /**
     * FF: INC/DEC/PUSH r/m32 and, as the block's last instruction, CALL/JMP near through r/m32
     * (the far forms are never in a block).
     */
    private boolean groupFive(Decoded d, int k) {
        int r = d.regf();
        if (r == 3 || r == 5 || r == 7) return false;
        readRm(d, k, 4);
        mv.visitVarInsn(ISTORE, A);
        switch (r) {
            case 0: case 1:
                inc(d, k, r == 0);
                return true;
            case 2:
                // CALL r/m32: the return address is pushed after the target was read
                constant(d.next(), R);
                pushR(d, k);
                mv.visitVarInsn(ALOAD, C);
                mv.visitVarInsn(ILOAD, A);
                mv.visitFieldInsn(PUTFIELD, CPU, "eip", "I");
                return true;
            case 4:
                mv.visitVarInsn(ALOAD, C);
                mv.visitVarInsn(ILOAD, A);
                mv.visitFieldInsn(PUTFIELD, CPU, "eip", "I");
                return true;
            default:
                // PUSH r/m32
                mv.visitVarInsn(ILOAD, A);
                mv.visitVarInsn(ISTORE, R);
                pushR(d, k);
                return true;
        }
    }

    /** INC/DEC r/m32 of A (memory: at L, read already). */
    private void inc(Decoded d, int k, boolean inc) {
        if (d.memory()) prepareStore(d, k, 4);
        mv.visitVarInsn(ALOAD, C);
        mv.visitVarInsn(ILOAD, A);
        push(-1);
        mv.visitMethodInsn(INVOKESTATIC, ARITH, inc ? "inc" : "dec", "(" + CPU_T + "II)I", false);
        mv.visitVarInsn(ISTORE, R);
        writeBack(d, k, 4, d.rm());
    }

    /**
     * ALU op {@code alu} on A and B of {@code size} bytes (4 or 1); except for CMP the result goes
     * to the r/m operand ({@code toRm}: register {@code reg}, or memory at L) or to register {@code reg}.
     */
    private void alu(Decoded d, int k, int alu, boolean toRm, int size, int reg) {
        int mask = BlockRuntime.mask(size);
        if (dead[k]) {
            // the flags are overwritten before anything can see them: the result alone
            if (alu == Arith.CMP) return;
            push(alu);
            mv.visitVarInsn(ILOAD, A);
            mv.visitVarInsn(ILOAD, B);
            push(mask);
            mv.visitMethodInsn(INVOKESTATIC, ARITH, "value", "(IIII)I", false);
        } else {
            boolean store = toRm && d.memory() && alu != Arith.CMP;
            if (store) prepareStore(d, k, size);
            callAlu(alu, mask);
            if (alu == Arith.CMP) {
                mv.visitInsn(POP);
                return;
            }
        }
        mv.visitVarInsn(ISTORE, R);
        if (toRm) writeBack(d, k, size, reg);
        else setReg(size, reg);
    }

    /** TEST: the flags of A AND B ({@code mask} -1 or 0xFF), the result dropped. */
    private void test(int k, int mask) {
        if (dead[k]) return;
        callAlu(Arith.AND, mask);
        mv.visitInsn(POP);
    }

    /** Pushes {@code Arith.alu(c, alu, A, B, mask)}. */
    private void callAlu(int alu, int mask) {
        mv.visitVarInsn(ALOAD, C);
        push(alu);
        mv.visitVarInsn(ILOAD, A);
        mv.visitVarInsn(ILOAD, B);
        push(mask);
        mv.visitMethodInsn(INVOKESTATIC, ARITH, "alu", "(" + CPU_T + "IIII)I", false);
    }

    /** Shift group 2 on a register of {@code size} bytes (4 or 2) by a constant count (0: nothing, not even flags). */
    private boolean shift(Decoded d, int count, int size) {
        if (count == 0) return true;
        int mask = BlockRuntime.mask(size);
        mv.visitVarInsn(ALOAD, C);
        loadReg(d.rm());
        if (size != 4) {
            push(mask);
            mv.visitInsn(IAND);
        }
        push(count);
        push(mask);
        mv.visitMethodInsn(INVOKESTATIC, SHIFT, Shift.method(d.regf()), "(" + CPU_T + "III)I", false);
        mv.visitVarInsn(ISTORE, R);
        setReg(size, d.rm());
        return true;
    }

    // ---- operands ----

    /** Pushes the r/m operand of {@code size} bytes (4, 2 or 1), zero-extended; for memory OFF and L hold its offset and address. */
    private void readRm(Decoded d, int k, int size) {
        if (!d.memory()) {
            if (size == 1) {
                reg8(d.rm());
            } else {
                loadReg(d.rm());
                if (size == 2) {
                    push(0xFFFF);
                    mv.visitInsn(IAND);
                }
            }
            return;
        }
        Label slow = new Label(), done = new Label();
        linear(d, slow);
        fastLoad(size, slow);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(slow);
        callRuntime(d, k, "read", "IIIJI)I", () -> {
            push(size);
            push(d.sreg());
            mv.visitVarInsn(ILOAD, OFF);
        });
        // the access passed the limit check: the address, for a store that follows
        baseOf(d.sreg());
        mv.visitVarInsn(ILOAD, OFF);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, L);
        mv.visitLabel(done);
    }

    /** Writes R ({@code size} 4 or 1 bytes) to the r/m operand (memory: its address computed here). */
    private void writeRm(Decoded d, int k, int size) {
        if (!d.memory()) {
            setReg(size, d.rm());
            return;
        }
        Label slow = new Label(), done = new Label();
        linear(d, slow);
        storeAt(d, k, size, slow, done);
    }

    /** Writes R ({@code size} 4 or 1 bytes) to register {@code reg} (no memory operand) or to memory at L (read before). */
    private void writeBack(Decoded d, int k, int size, int reg) {
        if (!d.memory()) {
            setReg(size, reg);
            return;
        }
        Label slow = new Label(), done = new Label();
        storeAt(d, k, size, slow, done);
    }

    /** Stores R at L on a micro-TLB hit, else (and from {@code slow}) through {@link BlockRuntime#write}; ends at {@code done}. */
    private void storeAt(Decoded d, int k, int size, Label slow, Label done) {
        fastStore(size, slow);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(slow);
        callRuntime(d, k, "write", "IIIIJI)V", () -> {
            push(size);
            push(d.sreg());
            mv.visitVarInsn(ILOAD, OFF);
            mv.visitVarInsn(ILOAD, R);
        });
        mv.visitLabel(done);
    }

    /**
     * Before the flags of a read-modify-write of memory at L are set: unless the store will hit
     * the micro-TLB (then it cannot fault), the flags are saved as the interpreter saves them, to
     * be put back if the store faults.
     */
    private void prepareStore(Decoded d, int k, int size) {
        Label miss = new Label(), done = new Label();
        tlbHit("writeTag", size, miss);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(miss);
        callRuntime(d, k, "saveFlags", "JI)V", () -> { });
        mv.visitLabel(done);
    }

    /** Register {@code reg} of {@code size} bytes (4, 2 or 1) = R (the other bytes of a 2- or 1-byte register kept). */
    private void setReg(int size, int reg) {
        if (size == 4) {
            mv.visitVarInsn(ILOAD, R);
            storeReg(reg);
        } else if (size == 2) {
            loadReg(reg);
            mv.visitLdcInsn(0xFFFF0000);
            mv.visitInsn(IAND);
            mv.visitVarInsn(ILOAD, R);
            push(0xFFFF);
            mv.visitInsn(IAND);
            mv.visitInsn(IOR);
            storeReg(reg);
        } else {
            setReg8(reg);
        }
    }

    /**
     * OFF = the memory operand's offset, L = its linear address when its segment is flat (limit
     * 4 GiB: nothing to check); else jumps to {@code slow}, which has the executor check it.
     */
    private void linear(Decoded d, Label slow) {
        offset(d);
        mv.visitVarInsn(ISTORE, OFF);
        mv.visitVarInsn(ALOAD, SEG0 + d.sreg());
        mv.visitFieldInsn(GETFIELD, SEGMENT, "limit", "I");
        push(-1);
        mv.visitJumpInsn(IF_ICMPNE, slow);
        baseOf(d.sreg());
        mv.visitVarInsn(ILOAD, OFF);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, L);
    }

    /** Pushes the base of segment {@code sreg}. */
    private void baseOf(int sreg) {
        mv.visitVarInsn(ALOAD, SEG0 + sreg);
        mv.visitFieldInsn(GETFIELD, SEGMENT, "base", "I");
    }

    /** Pushes the memory operand's offset: disp + base + (index << scale). */
    private void offset(Decoded d) {
        push(d.disp());
        if (d.base() >= 0) {
            loadReg(d.base());
            mv.visitInsn(IADD);
        }
        if (d.index() >= 0) {
            loadReg(d.index());
            if (d.scale() != 0) {
                push(d.scale());
                mv.visitInsn(ISHL);
            }
            mv.visitInsn(IADD);
        }
    }

    /** S = the micro-TLB slot of L; jumps to {@code miss} unless {@code tags[S]} holds L's page and {@code size} bytes fit in it. */
    private void tlbHit(String tags, int size, Label miss) {
        mv.visitVarInsn(ILOAD, L);
        push(12);
        mv.visitInsn(IUSHR);
        push(Executor.DTLB_SIZE - 1);
        mv.visitInsn(IAND);
        mv.visitVarInsn(ISTORE, S);
        mv.visitVarInsn(ALOAD, X);
        mv.visitFieldInsn(GETFIELD, EXEC, tags, "[I");
        mv.visitVarInsn(ILOAD, S);
        mv.visitInsn(IALOAD);
        mv.visitVarInsn(ILOAD, L);
        mv.visitLdcInsn(0xFFFFF000);
        mv.visitInsn(IAND);
        mv.visitJumpInsn(IF_ICMPNE, miss);
        if (size > 1) {
            mv.visitVarInsn(ILOAD, L);
            push(0xFFF);
            mv.visitInsn(IAND);
            push(4096 - size);
            mv.visitJumpInsn(IF_ICMPGT, miss);
        }
    }

    /** Pushes {@code x.ram} and the RAM index of L through {@code deltas[S]}. */
    private void ramIndex(String deltas) {
        mv.visitVarInsn(ALOAD, X);
        mv.visitFieldInsn(GETFIELD, EXEC, "ram", "[B");
        mv.visitVarInsn(ILOAD, L);
        mv.visitVarInsn(ALOAD, X);
        mv.visitFieldInsn(GETFIELD, EXEC, deltas, "[I");
        mv.visitVarInsn(ILOAD, S);
        mv.visitInsn(IALOAD);
        mv.visitInsn(IADD);
    }

    /**
     * PUSH R (32 bits): on a 32-bit stack, stored at SS:ESP-4 inline, then ESP moves (a fault
     * leaves ESP as it was); on a 16-bit stack or a micro-TLB miss through {@link BlockRuntime#push32}.
     */
    private void pushR(Decoded d, int k) {
        Label slow = new Label(), done = new Label();
        stack32(slow);
        loadReg(Cpu.ESP);
        push(4);
        mv.visitInsn(ISUB);
        mv.visitVarInsn(ISTORE, SP);
        baseOf(Cpu.SS);
        mv.visitVarInsn(ILOAD, SP);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, L);
        fastStore(4, slow);
        mv.visitVarInsn(ILOAD, SP);
        storeReg(Cpu.ESP);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(slow);
        callRuntime(d, k, "push32", "IJI)V", () -> mv.visitVarInsn(ILOAD, R));
        reloadReg(Cpu.ESP);
        mv.visitLabel(done);
        dirty[Cpu.ESP] = true;
    }

    /** R = POP (32 bits): read at SS:ESP inline on a 32-bit stack, then ESP moves; else through {@link BlockRuntime#pop32}. */
    private void popR(Decoded d, int k) {
        Label slow = new Label(), done = new Label();
        stack32(slow);
        baseOf(Cpu.SS);
        loadReg(Cpu.ESP);
        mv.visitInsn(IADD);
        mv.visitVarInsn(ISTORE, L);
        fastLoad(4, slow);
        mv.visitVarInsn(ISTORE, R);
        loadReg(Cpu.ESP);
        push(4);
        mv.visitInsn(IADD);
        storeReg(Cpu.ESP);
        mv.visitJumpInsn(GOTO, done);
        mv.visitLabel(slow);
        callRuntime(d, k, "pop32", "JI)I", () -> { });
        mv.visitVarInsn(ISTORE, R);
        reloadReg(Cpu.ESP);
        mv.visitLabel(done);
        dirty[Cpu.ESP] = true;
    }

    /** Jumps to {@code slow} on a 16-bit stack (SS.B clear). */
    private void stack32(Label slow) {
        mv.visitVarInsn(ALOAD, SEG0 + Cpu.SS);
        mv.visitFieldInsn(GETFIELD, SEGMENT, "access", "I");
        push(0x4000);
        mv.visitInsn(IAND);
        mv.visitJumpInsn(IFEQ, slow);
    }

    /** Pushes the {@code size}-byte value at L from the RAM array on a micro-TLB hit; else jumps to {@code miss}. */
    private void fastLoad(int size, Label miss) {
        tlbHit("readTag", size, miss);
        ramIndex("readDelta");
        if (size == 4) {
            mv.visitMethodInsn(INVOKESTATIC, EXEC, "ram32", "([BI)I", false);
        } else if (size == 2) {
            mv.visitMethodInsn(INVOKESTATIC, EXEC, "ram16", "([BI)I", false);
        } else {
            mv.visitInsn(BALOAD);
            push(0xFF);
            mv.visitInsn(IAND);
        }
    }

    /** Stores R ({@code size} 4, 2 or 1 bytes) at L into the RAM array on a micro-TLB hit; else jumps to {@code miss}. */
    private void fastStore(int size, Label miss) {
        tlbHit("writeTag", size, miss);
        ramIndex("writeDelta");
        mv.visitVarInsn(ILOAD, R);
        if (size == 4) {
            mv.visitMethodInsn(INVOKESTATIC, EXEC, "setRam32", "([BII)V", false);
        } else if (size == 2) {
            mv.visitMethodInsn(INVOKESTATIC, EXEC, "setRam16", "([BII)V", false);
        } else {
            mv.visitInsn(BASTORE);
        }
    }

    /**
     * A slow path: the dirty registers stored, then {@code BlockRuntime.name(c, x, <args>, icount
     * of instruction k, its start address)}; {@code tail} is the descriptor after the CPU and executor.
     */
    private void callRuntime(Decoded d, int k, String name, String tail, Runnable args) {
        spill();
        mv.visitVarInsn(ALOAD, C);
        mv.visitVarInsn(ALOAD, X);
        args.run();
        icountPlus(k);
        push(d.eip());
        mv.visitMethodInsn(INVOKESTATIC, RUNTIME, name, "(" + CPU_T + EXEC_T + tail, false);
    }

    // ---- registers ----

    private void loadReg(int r) {
        if (observed) {
            mv.visitVarInsn(ALOAD, REG);
            push(r);
            mv.visitInsn(IALOAD);
        } else {
            mv.visitVarInsn(ILOAD, R0 + r);
        }
    }

    /** Register r = the int on the stack. */
    private void storeReg(int r) {
        if (observed) {
            mv.visitVarInsn(ISTORE, T);
            mv.visitVarInsn(ALOAD, REG);
            push(r);
            mv.visitVarInsn(ILOAD, T);
            mv.visitInsn(IASTORE);
            return;
        }
        mv.visitVarInsn(ISTORE, R0 + r);
        dirty[r] = true;
    }

    /** Pushes byte register {@code i} (AL CL DL BL AH CH DH BH). */
    private void reg8(int i) {
        loadReg(i & 3);
        if (i >= 4) {
            push(8);
            mv.visitInsn(IUSHR);
        }
        push(0xFF);
        mv.visitInsn(IAND);
    }

    /** Byte register {@code i} = R. */
    private void setReg8(int i) {
        int r = i & 3;
        loadReg(r);
        push(i < 4 ? 0xFFFFFF00 : 0xFFFF00FF);
        mv.visitInsn(IAND);
        mv.visitVarInsn(ILOAD, R);
        push(0xFF);
        mv.visitInsn(IAND);
        if (i >= 4) {
            push(8);
            mv.visitInsn(ISHL);
        }
        mv.visitInsn(IOR);
        storeReg(r);
    }

    /** Stores the dirty register locals into {@code Cpu.reg} (they stay dirty: this may be a side path). */
    private void spill() {
        if (observed) return; // the observed form keeps registers in Cpu.reg: hooks see and may change them between instructions
        for (int r = 0; r < 8; r++) {
            if (!dirty[r]) continue;
            mv.visitVarInsn(ALOAD, REG);
            push(r);
            mv.visitVarInsn(ILOAD, R0 + r);
            mv.visitInsn(IASTORE);
        }
    }

    /** Loads every register local from {@code Cpu.reg} (none dirty after). */
    private void reload() {
        for (int r = 0; r < 8; r++) reloadReg(r);
        java.util.Arrays.fill(dirty, false);
    }

    private void reloadReg(int r) {
        if (observed) return;
        mv.visitVarInsn(ALOAD, REG);
        push(r);
        mv.visitInsn(IALOAD);
        mv.visitVarInsn(ISTORE, R0 + r);
    }

    // ---- constants and CPU fields ----

    /** local = v. */
    private void constant(int v, int local) {
        push(v);
        mv.visitVarInsn(ISTORE, local);
    }

    private void setEip(int eip) {
        mv.visitVarInsn(ALOAD, C);
        push(eip);
        mv.visitFieldInsn(PUTFIELD, CPU, "eip", "I");
    }

    /** {@code x.start = eip}: the last instruction started, as the interpreter leaves it. */
    private void setStart(int eip) {
        mv.visitVarInsn(ALOAD, X);
        push(eip);
        mv.visitFieldInsn(PUTFIELD, EXEC, "start", "I");
    }

    /** {@code c.icount = icount0 + n}. */
    private void setIcount(int n) {
        mv.visitVarInsn(ALOAD, C);
        icountPlus(n);
        mv.visitFieldInsn(PUTFIELD, CPU, "icount", "J");
    }

    private void icountPlus(int n) {
        mv.visitVarInsn(LLOAD, ICOUNT);
        if (n != 0) {
            mv.visitLdcInsn((long) n);
            mv.visitInsn(LADD);
        }
    }

    private void push(int v) {
        if (v >= -1 && v <= 5) mv.visitInsn(ICONST_0 + v);
        else if (v >= Byte.MIN_VALUE && v <= Byte.MAX_VALUE) mv.visitIntInsn(BIPUSH, v);
        else if (v >= Short.MIN_VALUE && v <= Short.MAX_VALUE) mv.visitIntInsn(SIPUSH, v);
        else mv.visitLdcInsn(v);
    }
}
