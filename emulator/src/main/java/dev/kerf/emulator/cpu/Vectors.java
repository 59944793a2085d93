package dev.kerf.emulator.cpu;

/** Exception vector numbers (Intel SDM vol. 3, table 6-1). */
public final class Vectors {
    public static final int DE = 0, DB = 1, NMI = 2, BP = 3, OF = 4, BR = 5, UD = 6, NM = 7,
            DF = 8, TS = 10, NP = 11, SS = 12, GP = 13, PF = 14, MF = 16, AC = 17;

    private static final String[] NAMES = {"#DE", "#DB", "NMI", "#BP", "#OF", "#BR", "#UD", "#NM",
            "#DF", "#CSO", "#TS", "#NP", "#SS", "#GP", "#PF", "#15", "#MF", "#AC"};

    private Vectors() {}

    public static String name(int vector) {
        return vector >= 0 && vector < NAMES.length ? NAMES[vector] : "vector " + vector;
    }
}
