package dev.kerf.retargeter.jvm;

import java.util.Iterator;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Where a replayed program stands, from its thread's stack: the frame that called {@code kerf.Sys}
 * (the position a native call is logged and checked at), or the program's innermost frame (where
 * the replay's sandbox refused something). Frames are read by name only ({@link StackWalker}
 * without class references), so nothing here needs a permission.
 */
final class CallerFrame {
    private static final StackWalker WALKER = StackWalker.getInstance();

    private CallerFrame() {}

    /** The frame of the program's code that called kerf.Sys: the one below the outermost kerf.Sys frame. */
    static StackWalker.StackFrame ofSysCall() {
        return WALKER.walk(CallerFrame::belowSys);
    }

    private static StackWalker.StackFrame belowSys(Stream<StackWalker.StackFrame> frames) {
        boolean inSys = false;
        for (Iterator<StackWalker.StackFrame> it = frames.iterator(); it.hasNext(); ) {
            StackWalker.StackFrame f = it.next();
            if (f.getClassName().equals("kerf.Sys")) inSys = true;
            else if (inSys) return f;
        }
        throw new IllegalStateException("no kerf.Sys call on this thread's stack");
    }

    /** The innermost frame of a class in {@code programClasses} (binary names), as {@link #position}; or null. */
    static String innermostOf(Set<String> programClasses) {
        return WALKER.walk(s -> s.filter(f -> programClasses.contains(f.getClassName())).findFirst().map(CallerFrame::position).orElse(null));
    }

    /** {@code Inventory.main([Ljava/lang/String;)V @12}. */
    static String position(StackWalker.StackFrame f) {
        return f.getClassName() + "." + f.getMethodName() + f.getDescriptor() + " @" + f.getByteCodeIndex();
    }
}
