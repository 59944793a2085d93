package dev.kerf.retargeter.jvm;

import dev.kerf.emulator.cpu.Cpu;

import java.util.ArrayList;
import java.util.List;

/**
 * How minijvm was invoked ({@code minijvm [-cp DIR] MAINCLASS [ARGS...]}, JVM-CONTRACT.md §3),
 * read from the process's initial stack: the kerf guest's exec leaves {@code argc}, then the
 * {@code argv} pointers, at ESP on the first instruction. The arguments are taken from there
 * rather than from the hooks because no hook carries them and main's array is what the program saw.
 *
 * @param mainClass internal name ({@code a/b/C}: a dotted name on the command line is converted)
 * @param args      the arguments after the main class
 */
record ProgramInvocation(String mainClass, List<String> args) {
    private static final int MAX_ARGS = 1024, MAX_ARG = 1 << 16;

    static ProgramInvocation read(InitialImage image, int esp, String who) {
        Integer argc = image.u32(esp);
        if (argc == null || argc < 1 || argc > MAX_ARGS) throw new JvmRetargetException(who + ": no argument vector on its initial stack");
        List<String> argv = new ArrayList<>();
        for (int i = 0; i < argc; i++) {
            Integer p = image.u32(esp + 4 + 4 * i);
            String s = p == null ? null : image.cString(p, MAX_ARG);
            if (s == null) throw new JvmRetargetException(who + ": argument " + i + " on its initial stack is not readable");
            argv.add(s);
        }
        int i = 1;
        if (i < argv.size() && argv.get(i).equals("-cp")) i += 2;
        if (i >= argv.size()) throw new JvmRetargetException(who + ": minijvm was started without a main class (" + String.join(" ", argv) + ")");
        return new ProgramInvocation(argv.get(i).replace('.', '/'), argv.subList(i + 1, argv.size()));
    }

    static int esp(dev.kerf.emulator.usermode.UserRegisters r) {
        return r.get(Cpu.ESP);
    }

    ProgramInvocation {
        args = List.copyOf(args);
    }
}
