package dev.kerf.emulator.device;

/** An IRQ wire that remembers its level and counts rising edges. */
final class RecordingIrq implements IrqLine {
    boolean level;
    int risingEdges;

    @Override
    public void set(boolean high) {
        if (high && !level) {
            risingEdges++;
        }
        level = high;
    }
}
