package dev.kerf.emulator.cpu;

import dev.kerf.emulator.cpu.decode.Decoded;
import java.lang.invoke.MethodHandles;
import java.util.Arrays;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.ConstantDynamic;
import org.objectweb.asm.Handle;
import org.objectweb.asm.Label;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;

/**
 * Compiles a {@link Block} to a hidden class implementing {@link BlockCode}, whose
 * {@code run} method HotSpot then compiles to machine code (docs/block-translator.md §4).
 *
 * <p>Each instruction becomes either a specialised sequence of bytecode ({@link Emitter}: the
 * commonest integer instructions, operating on the CPU's registers and flags through the same
 * helpers the instruction families use) or a call of {@link Translator#step} with the decoded
 * instruction as a constant (every other instruction: the families themselves, minus the decode).
 * The decoded instructions are the hidden class's class data, loaded as dynamic constants, so
 * HotSpot sees them as constants.
 */
final class BlockCompiler {
    static final String CPU = Type.getInternalName(Cpu.class);
    static final String EXEC = Type.getInternalName(Executor.class);
    static final String DECODED = Type.getDescriptor(Decoded.class);
    static final String TRANSLATOR = Type.getInternalName(Translator.class);
    private static final String NAME = "dev/kerf/emulator/cpu/CompiledBlock";
    private static final Handle CLASS_DATA_AT = new Handle(Opcodes.H_INVOKESTATIC,
            "java/lang/invoke/MethodHandles", "classDataAt",
            "(Ljava/lang/invoke/MethodHandles$Lookup;Ljava/lang/String;Ljava/lang/Class;I)Ljava/lang/Object;", false);

    /** Locals of the run method. */
    static final int THIS = 0, C = 1, X = 2, ICOUNT = 3, REG = 5, END = 10;
    /**
     * Most instructions a block that loops on itself runs per call: bounds how late the run loop
     * sees {@link Cpu#requestStop()}.
     */
    static final int LOOP_BUDGET = 1024;

    private final MethodHandles.Lookup lookup = MethodHandles.lookup();

    /** Compiles {@code b}: its plain form, or with {@code observed} the form that runs under hooks. */
    BlockCode compile(Block b, boolean observed) {
        byte[] bytes = generate(b, observed);
        try {
            MethodHandles.Lookup hidden = lookup.defineHiddenClassWithClassData(bytes, Arrays.asList(b.insns), true);
            return (BlockCode) hidden.findConstructor(hidden.lookupClass(),
                    java.lang.invoke.MethodType.methodType(void.class)).invoke();
        } catch (Throwable e) {
            throw new IllegalStateException("block at eip " + Integer.toHexString(b.eip) + " did not compile", e);
        }
    }

    byte[] generate(Block b, boolean observed) {
        ClassWriter cw = new ClassWriter(ClassWriter.COMPUTE_FRAMES | ClassWriter.COMPUTE_MAXS) {
            @Override
            protected String getCommonSuperClass(String a, String b2) {
                return "java/lang/Object"; // no class loading while computing frames
            }
        };
        cw.visit(Opcodes.V17, Opcodes.ACC_FINAL | Opcodes.ACC_SUPER, NAME, null, "java/lang/Object",
                new String[] {Type.getInternalName(BlockCode.class)});
        MethodVisitor init = cw.visitMethod(Opcodes.ACC_PUBLIC, "<init>", "()V", null, null);
        init.visitCode();
        init.visitVarInsn(Opcodes.ALOAD, 0);
        init.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/Object", "<init>", "()V", false);
        init.visitInsn(Opcodes.RETURN);
        init.visitMaxs(0, 0);
        init.visitEnd();

        MethodVisitor mv = cw.visitMethod(Opcodes.ACC_PUBLIC, "run", "(L" + CPU + ";L" + EXEC + ";)V", null, null);
        mv.visitCode();
        mv.visitVarInsn(Opcodes.ALOAD, C);
        mv.visitFieldInsn(Opcodes.GETFIELD, CPU, "icount", "J");
        mv.visitVarInsn(Opcodes.LSTORE, ICOUNT);
        mv.visitVarInsn(Opcodes.ALOAD, C);
        mv.visitFieldInsn(Opcodes.GETFIELD, CPU, "reg", "[I");
        mv.visitVarInsn(Opcodes.ASTORE, REG);
        Decoded[] insns = b.insns;
        Label top = new Label();
        Runnable backEdge = null;
        if (jumpsToItsStart(b)) {
            // A loop inside the method (docs/block-translator.md §8): end = min(limit, icount + budget).
            mv.visitVarInsn(Opcodes.ALOAD, X);
            mv.visitFieldInsn(Opcodes.GETFIELD, EXEC, "limit", "J");
            icountPlus(mv, LOOP_BUDGET);
            mv.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Math", "min", "(JJ)J", false);
            mv.visitVarInsn(Opcodes.LSTORE, END);
            mv.visitLabel(top);
            int n = insns.length;
            backEdge = () -> {
                // The block retired; run it again if all of it fits before the end.
                icountPlus(mv, n);
                mv.visitVarInsn(Opcodes.LSTORE, ICOUNT);
                icountPlus(mv, n);
                mv.visitVarInsn(Opcodes.LLOAD, END);
                mv.visitInsn(Opcodes.LCMP);
                mv.visitJumpInsn(Opcodes.IFLE, top);
                setIcount(mv, 0);
                setEip(mv, b.eip);
                setStart(mv, insns[n - 1].eip());
                mv.visitInsn(Opcodes.RETURN);
            };
        }
        Emitter e = new Emitter(mv, b.eip, backEdge);
        for (int k = 0; k < insns.length; k++) {
            Decoded d = insns[k];
            boolean last = k == insns.length - 1;
            if (observed) beforeInstruction(mv, d, k);
            if (!e.specialised(d, k, last)) generic(mv, d, k);
            if (!last && (observed || mayStore(d))) exitIfAsked(mv, k, d, observed);
        }
        setIcount(mv, insns.length);
        setStart(mv, insns[insns.length - 1].eip());
        mv.visitInsn(Opcodes.RETURN);
        mv.visitMaxs(0, 0);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }

    /** The block ends with a near JMP or Jcc (32-bit, specialised by {@link Emitter}) back to its first instruction. */
    private static boolean jumpsToItsStart(Block b) {
        Decoded d = b.insns[b.length - 1];
        return Emitter.isDirectJump(d.op()) && d.o32() && d.rep() == 0 && d.next() + d.imm() == b.eip;
    }

    /** {@code Translator.step(c, x, <insn k>, icount0 + k)}. */
    static void generic(MethodVisitor mv, Decoded d, int k) {
        mv.visitVarInsn(Opcodes.ALOAD, C);
        mv.visitVarInsn(Opcodes.ALOAD, X);
        mv.visitLdcInsn(new ConstantDynamic("_", DECODED, CLASS_DATA_AT, k));
        icountPlus(mv, k);
        mv.visitMethodInsn(Opcodes.INVOKESTATIC, TRANSLATOR, "step", "(L" + CPU + ";L" + EXEC + ";" + DECODED + "J)V", false);
    }

    /**
     * After instruction k: if it stored into a code page or a hook changed the registrations
     * (or, {@code observed}, a hook asked for a stop), retire it and leave.
     */
    private static void exitIfAsked(MethodVisitor mv, int k, Decoded d, boolean observed) {
        Label leave = new Label(), go = new Label();
        mv.visitVarInsn(Opcodes.ALOAD, C);
        mv.visitFieldInsn(Opcodes.GETFIELD, CPU, "leaveBlock", "Z");
        if (observed) {
            mv.visitJumpInsn(Opcodes.IFNE, leave);
            mv.visitVarInsn(Opcodes.ALOAD, C);
            mv.visitFieldInsn(Opcodes.GETFIELD, CPU, "stopRequested", "Z");
        }
        mv.visitJumpInsn(Opcodes.IFEQ, go);
        mv.visitLabel(leave);
        mv.visitVarInsn(Opcodes.ALOAD, C);
        mv.visitInsn(Opcodes.ICONST_0);
        mv.visitFieldInsn(Opcodes.PUTFIELD, CPU, "leaveBlock", "Z");
        setIcount(mv, k + 1);
        setEip(mv, d.next());
        setStart(mv, d.eip());
        mv.visitInsn(Opcodes.RETURN);
        mv.visitLabel(go);
    }

    /** Observed blocks: {@code c.eip}, {@code c.icount} of instruction k, then the instruction hooks. */
    private static void beforeInstruction(MethodVisitor mv, Decoded d, int k) {
        setEip(mv, d.eip());
        setIcount(mv, k);
        mv.visitVarInsn(Opcodes.ALOAD, C);
        mv.visitMethodInsn(Opcodes.INVOKEVIRTUAL, CPU, "beforeInstruction", "()V", false);
    }

    /**
     * Whether instruction {@code d} may store to memory, so a store into a code page must end the
     * block after it. Errs towards yes: a memory operand, FF (CALL/PUSH through r/m), or an
     * opcode without ModRM that is not known to touch registers only (PUSH, CALL, ENTER, STOS...).
     */
    static boolean mayStore(Decoded d) {
        if (d.memory()) return true;
        int op = d.op();
        if ((d.entry() & dev.kerf.emulator.cpu.decode.OpcodeTable.MODRM) != 0) return op == 0xFF;
        return !((op >= 0x40 && op <= 0x4F) || (op >= 0x58 && op <= 0x5F) || (op >= 0x70 && op <= 0x7F)
                || (op >= 0x90 && op <= 0x99) || (op >= 0xB0 && op <= 0xBF) || (op >= 0x180 && op <= 0x18F)
                || (op < 0x40 && ((op & 7) == 4 || (op & 7) == 5)) || op == 0xA8 || op == 0xA9);
    }

    /** {@code c.eip = eip}. */
    static void setEip(MethodVisitor mv, int eip) {
        mv.visitVarInsn(Opcodes.ALOAD, C);
        mv.visitLdcInsn(eip);
        mv.visitFieldInsn(Opcodes.PUTFIELD, CPU, "eip", "I");
    }

    /** {@code x.start = eip}: the last instruction started, as the interpreter leaves it. */
    static void setStart(MethodVisitor mv, int eip) {
        mv.visitVarInsn(Opcodes.ALOAD, X);
        mv.visitLdcInsn(eip);
        mv.visitFieldInsn(Opcodes.PUTFIELD, EXEC, "start", "I");
    }

    /** {@code c.icount = icount0 + n}. */
    static void setIcount(MethodVisitor mv, int n) {
        mv.visitVarInsn(Opcodes.ALOAD, C);
        icountPlus(mv, n);
        mv.visitFieldInsn(Opcodes.PUTFIELD, CPU, "icount", "J");
    }

    static void icountPlus(MethodVisitor mv, int n) {
        mv.visitVarInsn(Opcodes.LLOAD, ICOUNT);
        if (n != 0) {
            mv.visitLdcInsn((long) n);
            mv.visitInsn(Opcodes.LADD);
        }
    }
}
