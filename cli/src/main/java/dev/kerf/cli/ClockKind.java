package dev.kerf.cli;

/** {@code --clock}: what time the guest's PIT, RTC and TSC follow. */
public enum ClockKind {
    /** Host time: for live, interactive use. */
    host,
    /** A pure function of the instruction count: a run repeats exactly. */
    virtual
}
