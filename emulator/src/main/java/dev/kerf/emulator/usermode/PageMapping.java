package dev.kerf.emulator.usermode;

/** One user page of the process: its linear page number (address >>> 12) and whether user code may write it. */
public record PageMapping(int page, boolean writable) {
    public PageMapping {
        if (page < 0 || page >= (1 << 20)) throw new IllegalArgumentException("page number " + page);
    }

    public int address() {
        return page << 12;
    }
}
