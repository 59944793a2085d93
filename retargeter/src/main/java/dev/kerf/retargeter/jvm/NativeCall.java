package dev.kerf.retargeter.jvm;

/**
 * One {@code kerf.Sys} native call as the guest made it (JVM-CONTRACT.md §2, {@code kerf_jvm_native}).
 *
 * @param seq          its index among the program's native calls, from 0
 * @param kind         which native
 * @param callerClass  internal name of the class whose bytecode invoked it
 * @param callerMethod that method's name
 * @param callerDesc   that method's descriptor
 * @param callerPc     bytecode index of the invokestatic
 * @param result       read: the count (-1 at end of input); time: the seconds; 0 otherwise
 * @param nullResult   readFile returned null
 * @param data         read: the bytes stored; write/print: the bytes written; readFile: the file; else empty
 */
public record NativeCall(int seq, NativeKind kind, String callerClass, String callerMethod, String callerDesc, int callerPc,
                         long result, boolean nullResult, byte[] data) {
    public NativeCall {
        if (seq < 0) throw new IllegalArgumentException("negative seq");
        data = data.clone();
    }

    @Override public byte[] data() { return data.clone(); }

    /** Where it was called, as a person reads it: {@code Inventory.main([Ljava/lang/String;)V @12}. */
    public String position() {
        return callerClass.replace('/', '.') + "." + callerMethod + callerDesc + " @" + callerPc;
    }

    /** The call in a line: {@code #3 read at Inventory.main(...)V @12 = 10 (10 bytes)}. */
    public String describe() {
        StringBuilder s = new StringBuilder("#").append(seq).append(' ').append(kind.javaName()).append(" at ").append(position());
        switch (kind) {
            case READ -> s.append(" = ").append(result);
            case TIME -> s.append(" = ").append(result);
            case READ_FILE -> s.append(nullResult ? " = null" : " = " + data.length + " bytes");
            default -> s.append(" (").append(data.length).append(" bytes)");
        }
        return s.toString();
    }
}
