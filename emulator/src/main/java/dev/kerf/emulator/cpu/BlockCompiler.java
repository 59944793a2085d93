package dev.kerf.emulator.cpu;

import dev.kerf.emulator.cpu.decode.Decoded;
import java.lang.invoke.MethodHandles;
import java.util.Arrays;
import org.objectweb.asm.ClassWriter;
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
    private static final String NAME = "dev/kerf/emulator/cpu/CompiledBlock";

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
        Emitter.method(mv, b, observed);
        mv.visitEnd();
        cw.visitEnd();
        return cw.toByteArray();
    }
}
